internal import CTrailproof

/// How the C library's allocator holds memory. glibc gives each thread that allocates while
/// others do an arena of its own (up to eight per core) and keeps what is freed in it; a run
/// starts threads batch after batch, so without these its resident size grows with the arenas
/// that ever held a batch, not with what it holds.
public enum Allocator {
    /// Caps the number of arenas (call once, at start, before any thread).
    public static func limitArenas(to count: Int) {
        _ = mallopt(M_ARENA_MAX, Int32(clamping: max(1, count)))
    }

    /// Hands memory freed so far back to the system (between batches).
    public static func releaseFreed() {
        _ = malloc_trim(0)
    }
}
