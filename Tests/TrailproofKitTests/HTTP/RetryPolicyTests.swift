import Testing
@testable import TrailproofNative
@testable import TrailproofKit

/// The one retry loop every HTTP client runs: how many attempts, how long it waits, when it stops.
@Suite struct RetryPolicyTests {
    /// Always draws all ones: the longest wait. (A generator of zeros would never end: uniform
    /// draws reject low values and draw again.)
    struct FixedRandom: RandomNumberGenerator {
        let value: UInt64
        mutating func next() -> UInt64 { value }
    }

    struct Transient: Error, Equatable { let attempt: Int }
    struct Permanent: Error {}

    @Test func ceilingsDoubleFromTheBaseDelayUpToTheMaximum() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.1, maxDelay: 8, deadline: nil)
        #expect((1...9).map { policy.delayCeiling(beforeRetry: $0) } == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 8, 8])
        #expect(policy.delayCeiling(beforeRetry: 10_000) == 8)
    }

    @Test func waitsAreFullJitterWithinZeroAndTheCeiling() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.1, maxDelay: 8, deadline: nil)
        var random = SystemRandomNumberGenerator()
        for retry in 1...9 {
            let ceiling = policy.delayCeiling(beforeRetry: retry)
            let waits = (0..<500).map { _ in policy.delay(beforeRetry: retry, using: &random) }
            #expect(waits.count == 500)
            #expect(waits.allSatisfy { (0...ceiling).contains($0) }, "retry \(retry)")
            // Full jitter spreads waits over the whole range, not just near the ceiling.
            #expect(waits.contains { $0 < ceiling / 4 } && waits.contains { $0 > ceiling * 3 / 4 }, "retry \(retry)")
        }
        var highest = FixedRandom(value: .max)
        #expect(policy.delay(beforeRetry: 3, using: &highest) > 0.39)
    }

    @Test func transientFailuresAreRetriedUntilSuccess() throws {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.001, maxDelay: 0.01, deadline: 30)
        var attempts: [Int] = [], retries = 0
        let value = try policy.run({ attempt -> RetryPolicy.Outcome<String> in
            attempts.append(attempt.number)
            return attempt.number < 3 ? .transient(Transient(attempt: attempt.number)) : .success("done")
        }, willRetry: { retries += 1 })
        #expect(value == "done")
        #expect(attempts == [1, 2, 3])
        #expect(retries == 2)
    }

    @Test func aFailureThatIsNotTransientStopsAtOnce() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.001, maxDelay: 0.01, deadline: 30)
        var attempts = 0
        #expect(throws: Permanent.self) {
            try policy.run { _ -> RetryPolicy.Outcome<Int> in
                attempts += 1
                throw Permanent()
            }
        }
        #expect(attempts == 1)
    }

    @Test func theLastTransientFailureIsThrownWhenTheAttemptsRunOut() {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.001, maxDelay: 0.01, deadline: nil)
        var reasons: [RetryPolicy.GiveUp] = []
        let error = #expect(throws: Transient.self) {
            try policy.run({ attempt -> RetryPolicy.Outcome<Int> in .transient(Transient(attempt: attempt.number)) },
                           giveUp: { last, reason, attempts in
                               reasons.append(reason)
                               #expect(attempts == 4)
                               return last
                           })
        }
        #expect(error == Transient(attempt: 4))
        #expect(reasons == [.attemptsExhausted])
    }

    @Test func theDeadlineStopsRetryingRatherThanWaitPastIt() {
        // The longest wait (30 s) would end past the 0.5 s deadline: give up now, not after it.
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 30, maxDelay: 30, deadline: 0.5)
        var random = FixedRandom(value: .max)
        var attempts = 0, reasons: [RetryPolicy.GiveUp] = []
        let started = ContinuousClock.now
        #expect(throws: Transient.self) {
            try policy.run({ attempt -> RetryPolicy.Outcome<Int> in
                attempts += 1
                return .transient(Transient(attempt: attempt.number))
            }, giveUp: { last, reason, _ in
                reasons.append(reason)
                return last
            }, random: &random)
        }
        #expect(attempts == 1)
        #expect(reasons == [.deadlinePassed])
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func eachAttemptsTransferEndsByTheDeadline() throws {
        var timeouts = HTTPTimeouts()
        timeouts.totalMilliseconds = 60_000
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.01, deadline: 2, timeouts: timeouts)
        var limits: [Int] = []
        _ = try policy.run { attempt -> RetryPolicy.Outcome<Int> in
            limits.append(attempt.timeouts.totalMilliseconds ?? .max)
            return attempt.number < 3 ? .transient(Transient(attempt: attempt.number)) : .success(0)
        }
        #expect(limits.count == 3)
        #expect(limits.allSatisfy { (1...2_000).contains($0) }, "\(limits)")
        let unbounded = RetryPolicy(maxAttempts: 1, baseDelay: 0, maxDelay: 0, deadline: nil, timeouts: timeouts)
        #expect(try unbounded.run { .success($0.timeouts.totalMilliseconds) } == 60_000)
    }

    @Test(arguments: [(429, nil, true), (500, nil, true), (502, nil, true), (503, "SlowDown", true), (504, nil, true),
                      (400, "ThrottlingException", true), (400, "RequestTimeout", true), (400, "SlowDown", true),
                      (400, nil, false), (400, "InvalidArgument", false), (403, nil, false), (404, nil, false),
                      (501, nil, false), (505, nil, false), (200, nil, false), (301, nil, false)] as [(Int, String?, Bool)])
    func onlyThrottlingAndServerTroubleAreTransient(_ status: Int, _ code: String?, _ transient: Bool) {
        #expect(RetryPolicy.isTransient(status: status, code: code) == transient)
    }

    @Test func transportFailuresAreTransientOnlyWhenARetryCanHelp() {
        #expect(RetryPolicy.isTransient(HTTPTransportError(code: 28, message: "timeout", url: "http://x")))
        #expect(RetryPolicy.isTransient(HTTPTransportError(code: 7, message: "refused", url: "http://x")))
        #expect(!RetryPolicy.isTransient(HTTPTransportError(code: 1, message: "unsupported protocol", url: "http://x")))
        #expect(!RetryPolicy.isTransient(Permanent()))
    }
}
