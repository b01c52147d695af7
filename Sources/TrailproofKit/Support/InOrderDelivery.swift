import Synchronization
import TrailproofNative

/// Runs `count` jobs on up to `workers` pooled threads like `parallelMap`; each job also makes a
/// delivery, handed to `deliver` in job order as soon as every earlier one has been delivered, on
/// one thread at a time, and then dropped. A job starts only when fewer than `window` jobs are
/// ahead of the next to deliver, so at most `window` deliveries are held at once (what bounds
/// memory when they hold file contents).
/// - Throws: the first error of `makeState` or `deliver`; after it no more jobs start and
///   nothing more is delivered.
func parallelMapDeliveringInOrder<State, Result: Sendable, Delivery: Sendable>(
    count: Int,
    workers: Int,
    window: Int,
    makeState: @Sendable () throws -> State,
    job: @Sendable (inout State, Int) -> (Result, Delivery),
    deliver: @Sendable (Int, Delivery) throws -> Void
) throws -> [Result] {
    guard count > 0 else { return [] }
    let line = DeliveryLine<Result, Delivery>(count: count, window: max(1, window))
    let nextJob = Atomic<Int>(0)
    WorkerPool.run(max(1, min(workers, count))) {
        var state: State
        do {
            state = try makeState()
        } catch {
            line.fail(error)
            return
        }
        while true {
            let index = nextJob.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < count, line.admit(index) else { break }
            let (result, delivery) = job(&state, index)
            line.complete(index, result, delivery, deliver: deliver)
        }
    }
    return try line.collect()
}

/// The shared state of `parallelMapDeliveringInOrder`.
private final class DeliveryLine<Result: Sendable, Delivery: Sendable>: @unchecked Sendable {
    private let monitor = Monitor()
    private var results: [Result?]
    private var waiting: [Int: Delivery] = [:]
    private var next = 0
    private var delivering = false
    private var error: Error?
    private let window: Int

    init(count: Int, window: Int) {
        results = Array(repeating: nil, count: count)
        self.window = window
    }

    func fail(_ error: Error) {
        monitor.withLock {
            if self.error == nil { self.error = error }
            monitor.broadcast()
        }
    }

    /// Waits until job `index` may start; false when the run has failed.
    func admit(_ index: Int) -> Bool {
        monitor.withLock {
            monitor.wait(until: { error != nil || index < next + window })
            return error == nil
        }
    }

    /// Stores a result and, unless another thread is at it, delivers every delivery now in order.
    func complete(_ index: Int, _ value: Result, _ delivery: Delivery, deliver: (Int, Delivery) throws -> Void) {
        monitor.lock()
        results[index] = value
        waiting[index] = delivery
        guard !delivering else { monitor.unlock(); return }
        delivering = true
        while error == nil, let ready = waiting.removeValue(forKey: next) {
            let position = next
            monitor.unlock()  // delivered outside the lock: other jobs finish meanwhile
            var failure: Error?
            do { try deliver(position, ready) } catch { failure = error }
            monitor.lock()
            if let failure, error == nil { error = failure }
            next += 1
            monitor.broadcast()
        }
        delivering = false
        monitor.unlock()
    }

    func collect() throws -> [Result] {
        try monitor.withLock {
            if let error { throw error }
            return try results.map { value in
                guard let value else { throw ParallelWorkError.jobDidNotRun }
                return value
            }
        }
    }
}
