import Glibc
import Synchronization
import Testing
import TrailproofNative

/// `WorkerPool`: threads started once and reused, `run` on exactly as many threads as asked,
/// and nested waits on pooled work that do not deadlock.
@Suite(.serialized) struct WorkerPoolTests {
    private final class Seen: @unchecked Sendable {
        let threads = Mutex<Set<UInt>>([])
        let running = Atomic<Int>(0)
        let mostRunning = Atomic<Int>(0)
    }

    @Test func runUsesExactlyCountThreadsAtOnce() {
        let seen = Seen()
        WorkerPool.run(6) {
            let now = seen.running.add(1, ordering: .relaxed).newValue
            seen.mostRunning.max(now, ordering: .relaxed)
            seen.threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            usleep(30_000)  // long enough that all six overlap
            seen.running.subtract(1, ordering: .relaxed)
        }
        #expect(seen.threads.withLock { $0.count } == 6)
        #expect(seen.mostRunning.load(ordering: .relaxed) == 6)
    }

    @Test func threadsAreReusedNotStartedPerCall() {
        WorkerPool.run(4) { usleep(5_000) }
        let before = WorkerPool.threadCount
        #expect(before >= 4)
        for _ in 0..<50 { WorkerPool.run(4) { usleep(100) } }
        // Other suites may run pooled work meanwhile; fifty calls of four never need 200 threads.
        #expect(WorkerPool.threadCount < before + 50 * 4 / 2)
    }

    @Test func oneOrFewerRunsOnTheCallingThread() {
        let caller = UInt(pthread_self())
        let ran = Mutex<[UInt]>([])
        WorkerPool.run(1) { ran.withLock { $0.append(UInt(pthread_self())) } }
        WorkerPool.run(0) { ran.withLock { $0.append(UInt(pthread_self())) } }
        #expect(ran.withLock { $0 } == [caller, caller])
    }

    /// Pooled work that waits for pooled work, three deep (a pipeline's producer prefetching a
    /// listing and hashing on many threads): every task starts at once, so nothing waits forever.
    @Test(.timeLimit(.minutes(1))) func nestedWaitsOnPooledWorkFinish() {
        let done = Atomic<Int>(0)
        WorkerPool.run(4) {
            let prefetch = WorkerPool.start {
                WorkerPool.run(8) {
                    usleep(1_000)
                    done.add(1, ordering: .relaxed)
                }
            }
            WorkerPool.run(8) { done.add(1, ordering: .relaxed) }
            prefetch?.join()
        }
        #expect(done.load(ordering: .relaxed) == 4 * 16)
    }

    @Test func aStartedTaskCanBeJoinedMoreThanOnce() {
        let value = Atomic<Int>(0)
        let task = WorkerPool.start {
            usleep(2_000)
            value.store(7, ordering: .relaxed)
        }
        task?.join()
        task?.join()
        #expect(task != nil)
        #expect(value.load(ordering: .relaxed) == 7)
    }
}
