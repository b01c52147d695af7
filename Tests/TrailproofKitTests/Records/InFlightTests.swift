import Synchronization
import Testing
@testable import TrailproofKit
import TrailproofNative

/// `InFlight`: at most `limit` pieces and `budget` bytes at once, a piece over the budget alone,
/// and the first failure thrown by a later `start` or `wait`.
@Suite struct InFlightTests {
    /// What ran at once, as seen from inside the pieces.
    final class Peaks: Sendable {
        private let state = Mutex((running: 0, bytes: 0, mostRunning: 0, mostBytes: 0, oversizedWithOthers: false, overBudget: false, done: 0))
        func enter(_ weight: Int, oversized: Bool) {
            state.withLock {
                $0.running += 1
                $0.bytes += weight
                $0.mostRunning = max($0.mostRunning, $0.running)
                $0.mostBytes = max($0.mostBytes, $0.bytes)
                if oversized && $0.running > 1 { $0.oversizedWithOthers = true }
                if !oversized && $0.bytes > 1_000 { $0.overBudget = true }
            }
        }
        func leave(_ weight: Int) { state.withLock { $0.running -= 1; $0.bytes -= weight; $0.done += 1 } }
        var snapshot: (running: Int, bytes: Int, mostRunning: Int, mostBytes: Int, oversizedWithOthers: Bool, overBudget: Bool, done: Int) { state.withLock { $0 } }
    }

    @Test func piecesStayWithinTheLimitAndTheBudget() throws {
        let flight = InFlight(limit: 8, budget: 1_000)
        let peaks = Peaks()
        var generator = SystemRandomNumberGenerator()
        let weights = (0..<300).map { index in index % 50 == 7 ? 5_000 : Int.random(in: 1...400, using: &generator) }
        for weight in weights {
            try flight.start(weight: weight) {
                peaks.enter(weight, oversized: weight > 1_000)
                ThreadSleep.sleep(seconds: 0.001)
                peaks.leave(weight)
            }
        }
        try flight.wait()
        let seen = peaks.snapshot
        #expect(seen.done == weights.count && seen.running == 0)
        #expect(seen.mostRunning > 1 && seen.mostRunning <= 8, "\(seen)")
        #expect(!seen.overBudget && seen.mostBytes > 400, "\(seen)")
        #expect(!seen.oversizedWithOthers, "a piece over the budget runs alone")
    }

    @Test func theFirstFailureIsThrownByALaterStartOrWait() throws {
        struct Refused: Error {}
        let flight = InFlight(limit: 4)
        try flight.start { throw Refused() }
        #expect(throws: Refused.self) {
            for _ in 0..<100 { try flight.start { ThreadSleep.sleep(seconds: 0.001) } }
            try flight.wait()
        }
        try flight.wait()
    }
}
