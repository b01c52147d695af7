import Synchronization
import Testing
@testable import TrailproofKit

/// A run's progress adds up what its batches report, two or more of them at once.
@Suite struct RunProgressTests {
    private final class Seen: Sendable {
        let events = Mutex<[VerificationProgress]>([])
    }

    @Test func batchesInFlightAddUpAndFinishedOnesStayCounted() {
        let seen = Seen()
        let tally = RunProgress({ event in seen.events.withLock { $0.append(event) } }, totals: (digests: 10, logFiles: 100))
        let first = tally.reporter(for: 0), second = tally.reporter(for: 1)
        first(.digests(done: 3, total: 5))
        second(.digests(done: 2, total: 5))
        first(.logFiles(done: 10, total: 50, bytes: 1_000))
        second(.logFiles(done: 5, total: 50, bytes: 500))
        first(.logFiles(done: 20, total: 50, bytes: 2_000))
        tally.finish(0, digests: 5, logFiles: 50, bytes: 5_000)
        second(.logFiles(done: 6, total: 50, bytes: 600))
        // A batch that reports more than the listing held raises the total rather than passing it.
        tally.reporter(for: 2)(.logFiles(done: 60, total: 60, bytes: 1))
        let events = seen.events.withLock { $0 }
        let summary = events.map { event -> String in
            switch event {
            case .listing: return "listing"
            case .digests(let done, let total): return "d \(done)/\(total)"
            case .logFiles(let done, let total, let bytes): return "l \(done)/\(total) \(bytes)"
            }
        }
        #expect(summary == ["d 3/10", "d 5/10", "l 10/100 1000", "l 15/100 1500", "l 25/100 2500", "l 56/100 5600", "l 116/116 5601"])
    }
}
