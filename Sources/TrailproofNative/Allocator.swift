internal import CTrailproof

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
    /// bench/million.sh`, text): 66 MB peak with the default, 59 MB at a fixed 128 KiB.
    public static func mapAllocations(from bytes: Int) {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, Int32(clamping: max(1, bytes)))
        #endif
    }

    /// Hands memory freed so far back to the system (between batches).
    public static func releaseFreed() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
