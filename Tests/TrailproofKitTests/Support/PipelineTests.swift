import Foundation
import Synchronization
import Testing
@testable import TrailproofKit

/// `pipelined` and `Prefetch`: values produced on other threads, consumed in order on the
/// caller's, never more held than allowed, and errors surface where they should.
@Suite struct PipelineTests {
    private final class Tally: Sendable {
        let state = Mutex<(producing: Int, held: Int, mostHeld: Int, produced: [Int])>((0, 0, 0, []))
    }

    @Test(arguments: [1, 2, 3, 8])
    func valuesAreConsumedInOrderWithAtMostInFlightHeld(_ inFlight: Int) throws {
        let tally = Tally()
        var consumed: [Int] = []
        let caller = pthread_self()
        try pipelined(count: 40, inFlight: inFlight, produce: { index in
            tally.state.withLock { state in
                state.held += 1
                state.mostHeld = max(state.mostHeld, state.held)
                state.produced.append(index)
            }
            // Later values finish first now and then: order must still hold.
            usleep(UInt32((40 - index) % 7) * 200)
            return index * index
        }, consume: { index, value in
            #expect(pthread_equal(pthread_self(), caller) != 0)
            #expect(value == index * index)
            consumed.append(index)
            tally.state.withLock { $0.held -= 1 }
        })
        #expect(consumed == Array(0..<40))
        let (mostHeld, produced) = tally.state.withLock { ($0.mostHeld, $0.produced) }
        #expect(mostHeld <= inFlight)
        #expect(produced.sorted() == Array(0..<40))
        if inFlight > 1 { #expect(mostHeld > 1, "nothing overlapped") }
    }

    private struct Stop: Error {}

    @Test func aConsumerErrorStopsProductionAndIsThrown() {
        let produced = Mutex<Int>(0)
        #expect(throws: Stop.self) {
            try pipelined(count: 1_000, inFlight: 3, produce: { index in
                produced.withLock { $0 += 1 }
                return index
            }, consume: { index, _ in
                if index == 5 { throw Stop() }
            })
        }
        // Values 0-5 consumed; at most the ones admitted after them were produced.
        #expect(produced.withLock { $0 } <= 6 + 3)
    }

    @Test func emptyAndSingleRunsNeedNoThreads() throws {
        var seen: [Int] = []
        try pipelined(count: 0, inFlight: 4, produce: { $0 }, consume: { _, value in seen.append(value) })
        try pipelined(count: 1, inFlight: 4, produce: { $0 + 7 }, consume: { _, value in seen.append(value) })
        #expect(seen == [7])
    }

    @Test func aPrefetchGivesItsValueOrItsErrorAndCanBeAskedTwice() throws {
        let value = Prefetch { () -> [Int] in
            usleep(2_000)
            return [1, 2, 3]
        }
        #expect(try value.value() == [1, 2, 3])
        #expect(try value.value() == [1, 2, 3])
        let failing = Prefetch { () throws -> Int in throw Stop() }
        #expect(throws: Stop.self) { try failing.value() }
        #expect(throws: Stop.self) { try failing.value() }
    }

    private final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    @Test func aPrefetchRunsWhileTheCallerWorks() throws {
        let started = Flag()
        let prefetch = Prefetch { () -> Bool in
            started.raised.store(true, ordering: .releasing)
            return true
        }
        // The caller does not ask for it; it is computed anyway.
        var waited = 0
        while !started.raised.load(ordering: .acquiring) && waited < 5_000 {
            usleep(1_000)
            waited += 1
        }
        let raised = started.raised.load(ordering: .acquiring)
        #expect(raised)
        #expect(try prefetch.value())
    }
}
