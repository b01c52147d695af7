import Glibc
import Synchronization
import Testing
import TrailproofNative

/// `Monitor`: mutual exclusion, waits that end when the state they wait on changes, signal
/// waking one and broadcast waking all.
@Suite struct MonitorTests {
    /// State guarded by a monitor (a class so threads share it).
    private final class Guarded: @unchecked Sendable {
        let monitor = Monitor()
        var count = 0
        var open = false
        var woken = 0
    }

    @Test func withLockExcludesOtherThreads() {
        let state = Guarded()
        WorkerPool.run(8) {
            for _ in 0..<20_000 {
                // Not atomic: a lost update shows as a short count.
                state.monitor.withLock { state.count = state.count + 1 }
            }
        }
        #expect(state.count == 8 * 20_000)
    }

    @Test func waitUntilReturnsAtOnceWhenTheConditionHolds() {
        let state = Guarded()
        state.monitor.withLock {
            state.open = true
            state.monitor.wait(until: { state.open })
        }
        #expect(state.open)
    }

    @Test func aWaiterWakesWhenTheStateChangesAndIsSignalled() {
        let state = Guarded()
        let waiter = WorkerPool.start {
            state.monitor.withLock {
                state.monitor.wait(until: { state.open })
                state.woken += 1
            }
        }
        usleep(20_000)
        #expect(state.monitor.withLock { state.woken } == 0, "woke before the state changed")
        state.monitor.withLock {
            state.open = true
            state.monitor.signal()
        }
        waiter?.join()
        #expect(state.monitor.withLock { state.woken } == 1)
    }

    @Test func signalWakesOneWaiterAndBroadcastWakesEvery() {
        let state = Guarded()
        let waiting = Atomic<Int>(0)
        // Each waiter takes one "ticket" (`count`) per wake-up.
        let waiters = (0..<4).compactMap { _ in
            WorkerPool.start {
                state.monitor.withLock {
                    waiting.add(1, ordering: .relaxed)
                    state.monitor.wait(until: { state.count > 0 || state.open })
                    if state.count > 0 { state.count -= 1 }
                    state.woken += 1
                }
            }
        }
        #expect(waiters.count == 4)
        while waiting.load(ordering: .relaxed) < 4 { usleep(1_000) }
        state.monitor.withLock {
            state.count = 1
            state.monitor.signal()
        }
        usleep(50_000)
        #expect(state.monitor.withLock { state.woken } == 1)
        state.monitor.withLock {
            state.open = true
            state.monitor.broadcast()
        }
        for waiter in waiters { waiter.join() }
        #expect(state.monitor.withLock { state.woken } == 4)
    }

    @Test func lockAndUnlockPairAsWithLock() {
        let state = Guarded()
        WorkerPool.run(4) {
            for _ in 0..<10_000 {
                state.monitor.lock()
                state.count += 1
                state.monitor.unlock()
            }
        }
        #expect(state.count == 40_000)
    }
}
