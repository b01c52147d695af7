import Testing
import TrailproofNative

/// What `GLIBC_TUNABLES` becomes for a run with glibc's per-thread caches off: the user's other
/// settings kept, the user's own cache setting never overridden.
@Suite struct AllocatorTests {
    @Test func threadCachesAreTurnedOffBesideTheUsersOtherTunables() {
        #expect(Allocator.tunables(withoutThreadCachesAfter: nil) == "glibc.malloc.tcache_count=0")
        #expect(Allocator.tunables(withoutThreadCachesAfter: "") == "glibc.malloc.tcache_count=0")
        #expect(Allocator.tunables(withoutThreadCachesAfter: "glibc.malloc.arena_max=2")
                == "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=0")
    }

    @Test(arguments: ["glibc.malloc.tcache_count=0", "glibc.malloc.tcache_count=7", "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=3"])
    func aCacheSettingAlreadyThereIsLeftAlone(current: String) {
        #expect(Allocator.tunables(withoutThreadCachesAfter: current) == nil, "no restart: nothing to change, or the user's choice")
    }
}
