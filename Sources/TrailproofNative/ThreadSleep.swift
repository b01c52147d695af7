#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking sleeps for code that runs on its own threads (retries, back-off), where Swift
/// concurrency's `Task.sleep` does not apply.
public enum ThreadSleep {
    /// Blocks the calling thread for `seconds` (nothing for zero, a negative or a non-finite
    /// value); a signal does not cut the sleep short.
    public static func sleep(seconds: Double) {
        guard seconds > 0, seconds.isFinite else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1_000_000_000))
        var left = timespec()
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }
}
