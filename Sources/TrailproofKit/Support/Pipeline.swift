import Synchronization
import TrailproofNative

/// Produces `count` values on up to `inFlight` pooled threads (`WorkerPool`) at once and hands
/// each to `consume`, in order, on the calling thread. A value is produced at most `inFlight`
/// places ahead of the one being consumed, so at most `inFlight` are held at once. With one in flight (or no thread to
/// be had) it is a plain loop: produce, consume, produce, …
///
/// What it is for: one value's serial steps (listing, chain checks, accounting) run while
/// another's parallel ones (hashing) keep the cores busy.
/// - Throws: what `consume` throws; the values being produced then are finished and dropped.
func pipelined<Value: Sendable>(count: Int, inFlight: Int, produce: @Sendable (Int) -> Value,
                                consume: (Int, Value) throws -> Void) throws {
    guard inFlight > 1, count > 1 else {
        for index in 0..<count { try consume(index, produce(index)) }
        return
    }
    try withoutActuallyEscaping(produce) { produce in
        let line = PipelineLine<Value>(window: inFlight)
        let next = Atomic<Int>(0)
        let producer: @Sendable () -> Void = {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count, line.admit(index) else { return }
                line.put(produce(index), at: index)
            }
        }
        let producers = (0..<min(inFlight, count)).compactMap { _ in WorkerPool.start(producer) }
        guard !producers.isEmpty else {
            for index in 0..<count { try consume(index, produce(index)) }
            return
        }
        // The producers are joined before `produce` goes away, whatever `consume` does.
        defer {
            line.stop()
            for producer in producers { producer.join() }
        }
        for index in 0..<count {
            try consume(index, line.take(index))
            line.consumed(index)
        }
    }
}

/// The shared state of `pipelined`.
private final class PipelineLine<Value: Sendable>: @unchecked Sendable {
    private let monitor = Monitor()
    private var ready: [Int: Value] = [:]
    private var consumed = 0
    private var stopped = false
    private let window: Int

    init(window: Int) { self.window = window }

    /// Waits until value `index` may be produced; false once the consumer has stopped.
    func admit(_ index: Int) -> Bool {
        monitor.withLock {
            monitor.wait(until: { stopped || index < consumed + window })
            return !stopped
        }
    }

    func put(_ value: Value, at index: Int) {
        monitor.withLock {
            ready[index] = value
            monitor.broadcast()
        }
    }

    /// Waits for value `index`.
    func take(_ index: Int) -> Value {
        monitor.withLock {
            monitor.wait(until: { ready[index] != nil })
            return ready.removeValue(forKey: index)!
        }
    }

    /// Value `index` is consumed: the one `window` places on may be produced.
    func consumed(_ index: Int) {
        monitor.withLock {
            consumed = index + 1
            monitor.broadcast()
        }
    }

    func stop() {
        monitor.withLock {
            stopped = true
            monitor.broadcast()
        }
    }
}
