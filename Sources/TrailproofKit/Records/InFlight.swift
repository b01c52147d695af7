import TrailproofNative

/// Runs up to `limit` pieces of work at a time on pooled threads (`WorkerPool`), so the caller
/// can prepare the next meanwhile (a sink builds its next batch while the last ones are being
/// delivered), and no more than `budget` bytes of them (each piece says how many it holds; one
/// larger than the budget runs alone). A failure is thrown by the next `start` or `wait`:
/// nothing after it is started.
final class InFlight: @unchecked Sendable {
    private let limit: Int
    private let budget: Int
    private let monitor = Monitor()
    private var running = 0
    private var bytes = 0
    private var failure: Error?

    /// Work in flight at most `limit` pieces (1: one after the other, in order) and `budget`
    /// bytes at a time.
    init(limit: Int = 1, budget: Int = .max) {
        self.limit = max(1, limit)
        self.budget = max(1, budget)
    }

    /// Waits for a free place for a piece holding `weight` bytes (rethrowing any failure so
    /// far), then starts `work`; without a thread to be had, runs it on the spot.
    func start(weight: Int = 0, _ work: @escaping @Sendable () throws -> Void) throws {
        try monitor.withLock {
            monitor.wait(until: { (running < limit && (running == 0 || bytes + weight <= budget)) || failure != nil })
            try throwFailure()
            running += 1
            bytes += weight
        }
        let piece: @Sendable () -> Void = { [self] in
            var thrown: Error?
            do { try work() } catch { thrown = error }
            monitor.withLock {
                running -= 1
                bytes -= weight
                if failure == nil { failure = thrown }
                monitor.broadcast()
            }
        }
        if WorkerPool.start(piece) == nil { piece() }
    }

    /// Waits until no work is in flight; throws the first failure.
    func wait() throws {
        try monitor.withLock {
            monitor.wait(until: { running == 0 })
            try throwFailure()
        }
    }

    /// Throws the failure kept, once (call with the lock held).
    private func throwFailure() throws {
        if let failure {
            self.failure = nil
            throw failure
        }
    }
}
