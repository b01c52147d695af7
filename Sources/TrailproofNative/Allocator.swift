internal import CTrailproof
#if canImport(Glibc)
import Glibc
#endif

/// How the C library's allocator holds memory. glibc gives each thread that allocates while
/// others do an arena of its own (up to eight per core) and keeps what is freed in it, so a
/// run's resident size follows the arenas that ever held a batch, not what it holds. The worker
/// threads are long-lived (`WorkerPool`), but each still allocates in its own arena; capping the
/// arenas and trimming between batches keep the resident size flat. Measured on 80,681 small
/// log files (2 cores, `/usr/bin/time -v`): 52-54 MB peak with both, 73 MB without them (64 MB
/// without them when threads were started per call; 52-54 MB with). Without glibc (`mallopt`
/// and `malloc_trim` are glibc's) both do nothing.
public enum Allocator {
    /// Caps the number of arenas (call once, at start, before any thread).
    public static func limitArenas(to count: Int) {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, Int32(clamping: max(1, count)))
        #endif
    }

    /// Serves every allocation of `bytes` or more with a mapping of its own, given back to the
    /// system when freed (call once, at start). glibc's default starts at 128 KiB but rises to
    /// the size of each such block freed, up to 32 MiB, after which a group's large arrays (its
    /// listing, jobs and results, a megabyte or more each) are carved from the arenas and leave
    /// them fragmented. Measured on 1,000,000 log files in one location (`BENCH_SHAPE=busy
    /// bench/million.sh`, text): 66 MB peak with the default, 59 MB at a fixed 128 KiB; with
    /// today's smaller group arrays, 56-57 MB at a fixed 1 MiB (and 55-57 MB at 128 KiB).
    public static func mapAllocations(from bytes: Int) {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, Int32(clamping: max(1, bytes)))
        #endif
    }

    /// glibc's setting that turns its per-thread caches of freed blocks off.
    static let threadCachesOff = "glibc.malloc.tcache_count=0"

    /// The value `GLIBC_TUNABLES` needs for glibc's per-thread caches to be off, given its value
    /// now; nil when nothing is to change (already off, or the caches set otherwise by the user).
    public static func tunables(withoutThreadCachesAfter current: String?) -> String? {
        guard let current, !current.isEmpty else { return threadCachesOff }
        if current.contains("glibc.malloc.tcache_count=") { return nil }
        return current + ":" + threadCachesOff
    }

    /// Starts this program again from the beginning (same arguments, same process id) with
    /// glibc's per-thread caches of freed blocks off; returns when they are off already, when the
    /// user set them, or when the program cannot be started again (it then runs as it is).
    ///
    /// glibc keeps up to seven freed blocks of each small size in a cache of each thread, out of
    /// reach of `releaseFreed`: about 37 KB a thread once a thread has made an S3 request, so
    /// 4.7-8 MB at the 128 transfers of an S3 run (100,000 log files over S3 at 20 ms: 50.1 MB
    /// peak without the caches, 58.3 MB with, for about 10% more CPU in malloc). glibc reads the
    /// setting only at start (`GLIBC_TUNABLES`), hence the restart; call it first thing in `main`,
    /// before any thread or output. Without glibc it does nothing.
    ///
    /// The program started again gets the environment back as the user set it (glibc read the
    /// setting as it started), so that what it runs in turn (a `credential_process`) does not
    /// inherit the caches off.
    public static func restartWithoutThreadCaches() {
        #if canImport(Glibc)
        if let saved = getenv(tunablesBeforeRestart).map({ String(cString: $0) }) {
            // Started again: the caches are off for this process; the environment is the user's again.
            _ = unsetenv(tunablesBeforeRestart)
            if let value = savedTunables(saved) { _ = setenv("GLIBC_TUNABLES", value, 1) } else { _ = unsetenv("GLIBC_TUNABLES") }
            return
        }
        // A set-user-id or set-group-id start has glibc drop such settings: it would start again forever.
        guard getuid() == geteuid(), getgid() == getegid() else { return }
        let current = getenv("GLIBC_TUNABLES").map { String(cString: $0) }
        guard let tunables = tunables(withoutThreadCachesAfter: current) else { return }
        guard setenv(tunablesBeforeRestart, current.map { "set:" + $0 } ?? "unset", 1) == 0,
              setenv("GLIBC_TUNABLES", tunables, 1) == 0 else {
            _ = unsetenv(tunablesBeforeRestart)
            return
        }
        _ = execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Not restarted (no /proc): run as it is, the environment as it was.
        _ = unsetenv(tunablesBeforeRestart)
        if let current { _ = setenv("GLIBC_TUNABLES", current, 1) } else { _ = unsetenv("GLIBC_TUNABLES") }
        #endif
    }

    /// Where the restart keeps the user's own `GLIBC_TUNABLES` for the program started again:
    /// "set:" and the value, or "unset".
    static let tunablesBeforeRestart = "TRAILPROOF_GLIBC_TUNABLES_BEFORE_RESTART"

    /// The user's `GLIBC_TUNABLES` from what `tunablesBeforeRestart` holds; nil when it was unset.
    static func savedTunables(_ saved: String) -> String? {
        saved.utf8.starts(with: "set:".utf8) ? String(saved.dropFirst(4)) : nil
    }

    /// Hands memory freed so far back to the system (between batches).
    public static func releaseFreed() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
