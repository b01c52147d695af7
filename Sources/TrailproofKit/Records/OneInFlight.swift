import Foundation

/// Runs one piece of work at a time on a thread of its own, so the caller can prepare the next
/// meanwhile (a sink builds its next batch while the last one is being delivered). A failure is
/// thrown by the next `start` or `wait`: nothing after a failed piece is started.
final class OneInFlight: @unchecked Sendable {
    private let condition = NSCondition()
    private var busy = false
    private var failure: Error?

    /// Waits for the work in flight (rethrowing its failure), then starts `work`.
    func start(_ work: @escaping @Sendable () throws -> Void) throws {
        try wait()
        condition.lock()
        busy = true
        condition.unlock()
        Thread.detachNewThread { [self] in
            var thrown: Error?
            do { try work() } catch { thrown = error }
            condition.lock()
            busy = false
            failure = thrown
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Waits until no work is in flight; throws what it threw.
    func wait() throws {
        condition.lock()
        defer { condition.unlock() }
        while busy { condition.wait() }
        if let failure {
            self.failure = nil
            throw failure
        }
    }
}
