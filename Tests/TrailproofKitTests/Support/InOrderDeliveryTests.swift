import Synchronization
import Testing
@testable import TrailproofKit

/// Results reach `deliver` in job order, one at a time, with at most `window` held at once.
@Suite struct InOrderDeliveryTests {
    final class Log: @unchecked Sendable {
        let state = Mutex<(delivered: [Int], held: Int, mostHeld: Int, inDeliver: Int, overlapped: Bool)>(([], 0, 0, 0, false))
    }

    @Test(arguments: [(1, 1), (2, 1), (3, 4), (8, 3), (5, 50)])
    func deliversInJobOrderWithinTheWindow(workers: Int, window: Int) throws {
        let log = Log()
        let count = 300
        let results = try parallelMapDeliveringInOrder(count: count, workers: workers, window: window, makeState: { () }, job: { _, index in
            // Uneven work, so jobs finish out of order.
            var spin = 0
            for step in 0..<((index * 7919) % 13) * 2_000 { spin &+= step }
            log.state.withLock { $0.held += 1; $0.mostHeld = max($0.mostHeld, $0.held) }
            return (index * 2 + (spin == -1 ? 1 : 0), index)
        }, deliver: { position, delivery in
            log.state.withLock { state in
                state.inDeliver += 1
                if state.inDeliver > 1 { state.overlapped = true }
            }
            log.state.withLock { state in
                state.delivered.append(delivery)
                #expect(position == delivery)
                state.inDeliver -= 1
                state.held -= 1
            }
        })
        let final = log.state.withLock { $0 }
        #expect(results == (0..<count).map { $0 * 2 })
        #expect(final.delivered == Array(0..<count))
        #expect(final.mostHeld <= window)
        #expect(!final.overlapped)
    }

    struct Stop: Error {}

    @Test func aDeliveryErrorStopsTheRunAndIsThrown() {
        let delivered = Mutex<[Int]>([])
        #expect(throws: Stop.self) {
            _ = try parallelMapDeliveringInOrder(count: 1_000, workers: 4, window: 5, makeState: { () }, job: { _, index in (index, index) },
                                                 deliver: { _, value in
                if value == 10 { throw Stop() }
                delivered.withLock { $0.append(value) }
            })
        }
        #expect(delivered.withLock { $0 } == Array(0..<10))
    }
}
