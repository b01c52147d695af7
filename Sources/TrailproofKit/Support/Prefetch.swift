import Synchronization
import TrailproofNative

/// A value computed on a pooled thread (`WorkerPool`) while the caller does something else;
/// `value()` waits for it. Without a thread to be had, it is computed on the spot.
final class Prefetch<Value: Sendable>: Sendable {
    private final class Slot: Sendable {
        let result = Mutex<Result<Value, Error>?>(nil)
    }

    private let slot = Slot()
    private let task: PooledTask?

    init(_ compute: @escaping @Sendable () throws -> Value) {
        let slot = self.slot
        task = WorkerPool.start {
            let outcome = Result { try compute() }
            slot.result.withLock { $0 = outcome }
        }
        if task == nil { slot.result.withLock { $0 = Result { try compute() } } }
    }

    /// The value, or what computing it threw (any number of times, from any thread).
    func value() throws -> Value {
        task?.join()
        return try slot.result.withLock { $0! }.get()
    }
}
