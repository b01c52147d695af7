import Synchronization
import TrailproofNative

/// A value computed on a thread of its own while the caller does something else; `value()`
/// waits for it. Without a thread to be had, it is computed on the spot. Call `value()` at
/// least once, from one thread: it joins the thread.
final class Prefetch<Value: Sendable>: Sendable {
    private final class Slot: Sendable {
        let result = Mutex<Result<Value, Error>?>(nil)
    }

    private let slot = Slot()
    private let thread: StartedThread?
    private let joined = Atomic<Bool>(false)

    init(_ compute: @escaping @Sendable () throws -> Value) {
        let slot = self.slot
        thread = WorkerThreads.start {
            let outcome = Result { try compute() }
            slot.result.withLock { $0 = outcome }
        }
        if thread == nil { slot.result.withLock { $0 = Result { try compute() } } }
    }

    /// The value, or what computing it threw.
    func value() throws -> Value {
        if let thread, !joined.exchange(true, ordering: .acquiringAndReleasing) { thread.join() }
        return try slot.result.withLock { $0! }.get()
    }
}
