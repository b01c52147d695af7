import Synchronization
import TrailproofNative

/// Runs `count` independent jobs on up to `workers` pooled threads (`WorkerPool`) and returns
/// their results in order.
///
/// Each worker thread creates its own `State` once (buffers, hashers) and reuses it across jobs.
func parallelMap<State, Result: Sendable>(
    count: Int,
    workers: Int,
    makeState: @Sendable () throws -> State,
    job: @Sendable (inout State, Int) -> Result
) throws -> [Result] {
    guard count > 0 else { return [] }
    let slots = ResultSlots<Result>(count: count)
    let nextJob = Atomic<Int>(0)
    let firstError = Mutex<Error?>(nil)
    let threads = max(1, min(workers, count))
    WorkerPool.run(threads) {
        var state: State
        do {
            state = try makeState()
        } catch {
            firstError.withLock { if $0 == nil { $0 = error } }
            return
        }
        while true {
            let index = nextJob.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { break }
            slots.store(job(&state, index), at: index)
        }
    }
    if let error = firstError.withLock({ $0 }) { throw error }
    return try slots.collect()
}

/// Write-once result storage shared by worker threads; each index is written by exactly one job.
private final class ResultSlots<Result: Sendable>: @unchecked Sendable {
    private var values: [Result?]
    private let lock = Mutex<Void>(())

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func store(_ value: Result, at index: Int) {
        lock.withLock { _ in values[index] = value }
    }

    func collect() throws -> [Result] {
        try lock.withLock { _ in
            try values.map { value in
                guard let value else { throw ParallelWorkError.jobDidNotRun }
                return value
            }
        }
    }
}

enum ParallelWorkError: Error {
    case jobDidNotRun
}
