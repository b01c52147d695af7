import TrailproofNative

/// Runs one piece of work at a time on a pooled thread (`WorkerPool`), so the caller can prepare
/// the next meanwhile (a sink builds its next batch while the last one is being delivered). A
/// failure is thrown by the next `start` or `wait`: nothing after a failed piece is started.
final class OneInFlight: @unchecked Sendable {
    private let monitor = Monitor()
    private var busy = false
    private var failure: Error?

    /// Waits for the work in flight (rethrowing its failure), then starts `work`; without a
    /// thread to be had, runs it on the spot.
    func start(_ work: @escaping @Sendable () throws -> Void) throws {
        try wait()
        monitor.withLock { busy = true }
        let piece: @Sendable () -> Void = { [self] in
            var thrown: Error?
            do { try work() } catch { thrown = error }
            monitor.withLock {
                busy = false
                failure = thrown
                monitor.broadcast()
            }
        }
        if WorkerPool.start(piece) == nil { piece() }
    }

    /// Waits until no work is in flight; throws what it threw.
    func wait() throws {
        try monitor.withLock {
            monitor.wait(until: { !busy })
            if let failure {
                self.failure = nil
                throw failure
            }
        }
    }
}
