#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// SIGINT and SIGTERM turned into a flag a long run polls, so it can finish what it is doing,
/// save its state and exit cleanly.
public final class TerminationSignals: @unchecked Sendable {
    private final class Received: Sendable {
        let number = Atomic<Int32>(0)
    }
    private let received = Received()
    // Kept alive for as long as signals are caught; only touched in init.
    private let sources: [DispatchSourceSignal]

    /// Starts catching SIGINT and SIGTERM (their default action, ending the process, is off).
    public init() {
        var installed: [DispatchSourceSignal] = []
        let received = self.received
        for number in [SIGINT, SIGTERM] {
            #if canImport(Glibc)
            _ = Glibc.signal(number, SIG_IGN)
            #else
            _ = Darwin.signal(number, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { received.number.store(number, ordering: .relaxed) }
            source.resume()
            installed.append(source)
        }
        sources = installed
    }

    /// The signal received, if any.
    public var signal: Int32? {
        let value = received.number.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Sleeps up to `seconds`, waking early when a signal arrives; true when one did.
    public func wait(seconds: Double) -> Bool {
        var left = seconds
        while left > 0 {
            if signal != nil { return true }
            usleep(useconds_t(min(left, 0.2) * 1_000_000))
            left -= 0.2
        }
        return signal != nil
    }
}
