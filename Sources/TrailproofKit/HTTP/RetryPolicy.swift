import TrailproofNative

/// How a request is retried, for every HTTP client trailproof has (S3 and CloudTrail through
/// `AWSHTTPClient`, record sinks through `HTTPDelivery`, credential endpoints through
/// `CredentialHTTP`): at most `maxAttempts` attempts, a wait of exponential backoff with full
/// jitter before each retry, everything within `deadline`; only transient failures are retried
/// (`isTransient`), anything else ends the request at once.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts = 6
    /// The longest wait before the first retry, in seconds; doubled for each retry after it.
    public var baseDelay: Double = 0.1
    /// The longest wait between attempts, in seconds.
    public var maxDelay: Double = 8
    /// Each attempt's transfer time limits (its total limit is cut to what is left of `deadline`).
    public var timeouts = HTTPTimeouts()
    /// Seconds one request may take, its retries and the waits between them included: past it
    /// the request fails for good, however the server dribbles. nil for no limit.
    public var deadline: Double? = 120

    /// The policy for requests to AWS: 6 attempts, waits from 0.1 s up to 8 s, 120 s in all.
    public init() {}

    /// A policy with the given limits.
    public init(maxAttempts: Int, baseDelay: Double, maxDelay: Double, deadline: Double?, timeouts: HTTPTimeouts = HTTPTimeouts()) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
        self.timeouts = timeouts
    }

    /// What one attempt came to.
    public enum Outcome<Value> {
        /// Done: the value is the request's result (whatever its status, if not transient).
        case success(Value)
        /// A failure worth another attempt; the error is thrown if none is left.
        case transient(any Error)
    }

    /// Why the policy stopped retrying a transient failure.
    public enum GiveUp: Sendable, Equatable {
        /// `maxAttempts` attempts were made.
        case attemptsExhausted
        /// The next wait would end past `deadline`.
        case deadlinePassed
    }

    /// One attempt about to be made.
    public struct Attempt: Sendable {
        /// 1 for the first attempt.
        public let number: Int
        /// The limits of this attempt's transfer (the total cut to what is left of the deadline).
        public let timeouts: HTTPTimeouts
    }

    /// The longest wait before retry `retry` (1 for the first): `baseDelay` × 2^(retry − 1),
    /// at most `maxDelay`.
    public func delayCeiling(beforeRetry retry: Int) -> Double {
        var ceiling = max(0, baseDelay)
        for _ in 1..<max(1, retry) where ceiling < maxDelay { ceiling *= 2 }
        return min(max(0, maxDelay), ceiling)
    }

    /// The wait before retry `retry`: uniform in 0 ... `delayCeiling(beforeRetry:)` ("full
    /// jitter", so that clients failing together do not retry together).
    public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Double {
        Double.random(in: 0...delayCeiling(beforeRetry: retry), using: &generator)
    }

    /// Runs `attempt` until it succeeds, throws, or the policy gives up.
    /// - Parameters:
    ///   - attempt: one try. It returns `.success` or `.transient(error)`; an error it throws
    ///     is not retried and ends the request at once.
    ///   - willRetry: called before each wait (for counting retries).
    ///   - giveUp: the error to throw when retrying stops: given the last transient failure,
    ///     why, and the attempts made. By default the last failure itself.
    /// - Returns: the value of the successful attempt.
    public func run<Value>(_ attempt: (Attempt) throws -> Outcome<Value>, willRetry: () -> Void = {},
                           giveUp: (_ last: any Error, _ reason: GiveUp, _ attempts: Int) -> any Error = { last, _, _ in last }) throws -> Value {
        var random = SystemRandomNumberGenerator()
        return try run(attempt, willRetry: willRetry, giveUp: giveUp, random: &random)
    }

    /// `run` with the waits drawn from `random` (for tests).
    func run<Value>(_ attempt: (Attempt) throws -> Outcome<Value>, willRetry: () -> Void = {},
                    giveUp: (_ last: any Error, _ reason: GiveUp, _ attempts: Int) -> any Error = { last, _, _ in last },
                    random: inout some RandomNumberGenerator) throws -> Value {
        let end = deadline.map { ContinuousClock.now + .milliseconds(Int(max(0.001, $0) * 1000)) }
        var number = 0
        while true {
            number += 1
            var limits = timeouts
            if let end {
                let left = max(1, Self.milliseconds(until: end))
                limits.totalMilliseconds = min(limits.totalMilliseconds ?? left, left)
            }
            let failure: any Error
            switch try attempt(Attempt(number: number, timeouts: limits)) {
            case .success(let value): return value
            case .transient(let error): failure = error
            }
            guard number < maxAttempts else { throw giveUp(failure, .attemptsExhausted, number) }
            let wait = delay(beforeRetry: number, using: &random)
            if let end, Double(Self.milliseconds(until: end)) <= wait * 1000 + 1 {
                throw giveUp(failure, .deadlinePassed, number)
            }
            willRetry()
            ThreadSleep.sleep(seconds: wait)
        }
    }

    private static func milliseconds(until end: ContinuousClock.Instant) -> Int {
        let left = end - ContinuousClock.now
        return Int(left.components.seconds) * 1000 + Int(left.components.attoseconds / 1_000_000_000_000_000)
    }

    /// True for an answer worth another attempt: 429, 500, 502, 503 and 504, and the throttling
    /// and timeout codes AWS returns with a 400. Any other status is the answer.
    public static func isTransient(status: Int, code: String? = nil) -> Bool {
        if status == 429 || status == 500 || status == 502 || status == 503 || status == 504 { return true }
        guard status == 400, let code else { return false }
        return code.utf8.starts(with: "Throttling".utf8)
            || ["TooManyRequestsException", "RequestLimitExceeded", "RequestTimeout", "SlowDown", "RequestThrottled",
                "PriorRequestNotComplete"].contains { $0.utf8.elementsEqual(code.utf8) }
    }

    /// True for a transport failure worth another attempt (no connection, a timeout, a reset,
    /// a truncated body): `HTTPTransportError.isTransient`.
    public static func isTransient(_ error: any Error) -> Bool {
        (error as? HTTPTransportError)?.isTransient ?? false
    }
}
