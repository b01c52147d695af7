import FoundationEssentials
import Synchronization
import TrailproofNative

/// Sends signed requests to AWS (or an S3-compatible store) with retries, over a pool of reusable
/// libcurl handles so that connections stay open between requests.
public final class AWSHTTPClient: Sendable {
    /// How often and how patiently to retry (the one policy every HTTP client uses).
    public typealias RetryPolicy = TrailproofKit.RetryPolicy

    /// Credentials and endpoints.
    public let environment: AWSEnvironment
    /// Retry policy.
    public let retry: RetryPolicy
    private let pool = Mutex<[TransferBox]>([])
    private let counters = Mutex<(requests: Int, retries: Int)>((0, 0))

    /// Creates a client.
    public init(environment: AWSEnvironment, retry: RetryPolicy = RetryPolicy()) {
        self.environment = environment
        self.retry = retry
    }

    /// Requests sent and retries made so far.
    public var statistics: (requests: Int, retries: Int) { counters.withLock { $0 } }

    /// Signs and sends `request`, retrying transient failures (timeouts, resets, truncated bodies,
    /// 5xx, 429, SlowDown). `restart` runs before every attempt so the caller can discard what
    /// `sink` received from a failed one.
    /// - Parameter object: names what is fetched, for error messages.
    /// - Returns: the final response head (any status that is not retried, e.g. 404).
    /// - Throws: `AWSRequestError` when the retries are exhausted or access is denied.
    public func send(_ request: HTTPRequest, signer: SigV4Signer, object: String,
                     restart: () throws -> Void = {}, sink: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead {
        let transfer = try checkOut()
        defer { checkIn(transfer) }
        return try retry.run({ attempt in
            counters.withLock { $0.requests += 1 }
            try restart()
            do {
                let signed = try signer.sign(request, date: UTCTime.now)
                let head = try transfer.transfer.perform(signed, timeouts: attempt.timeouts, sink: sink)
                let code = AWSRequestError.errorCode(head.errorBody)
                if head.status == 403 {
                    throw AWSRequestError(object: object, status: 403, code: code ?? "AccessDenied", message: "access denied", attempts: attempt.number)
                }
                guard RetryPolicy.isTransient(status: head.status, code: code) else { return .success(head) }
                return .transient(AWSRequestError(object: object, status: head.status, code: code, message: "server error", attempts: attempt.number))
            } catch let error as HTTPTransportError {
                let failure = AWSRequestError(object: object, status: nil, code: nil, message: error.description, attempts: attempt.number)
                guard RetryPolicy.isTransient(error) else { throw failure }
                return .transient(failure)
            }
        }, willRetry: {
            counters.withLock { $0.retries += 1 }
        }, giveUp: { last, reason, attempts in
            guard reason == .deadlinePassed, let failure = last as? AWSRequestError, let deadline = retry.deadline else { return last }
            return AWSRequestError(object: object, status: failure.status, code: failure.code,
                                   message: "\(failure.message); gave up: no complete answer within \(AWSHTTPClient.seconds(deadline)) s "
                                       + "(the limit for one request, retries included)", attempts: attempts)
        })
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// Sends `request` and collects a body of at most `limit` bytes.
    public func sendCollecting(_ request: HTTPRequest, signer: SigV4Signer, object: String,
                               limit: Int = 64 << 20) throws -> (HTTPResponseHead, [UInt8]) {
        var body: [UInt8] = []
        let head = try send(request, signer: signer, object: object, restart: { body.removeAll(keepingCapacity: true) }) { chunk in
            guard body.count + chunk.count <= limit else {
                throw AWSRequestError(object: object, status: nil, code: nil, message: "response larger than \(limit) bytes", attempts: 1)
            }
            body.append(contentsOf: chunk)
        }
        return (head, body)
    }

    private func checkOut() throws -> TransferBox {
        if let box = pool.withLock({ $0.popLast() }) { return box }
        return TransferBox(try HTTPTransfer())
    }

    private func checkIn(_ box: TransferBox) {
        pool.withLock { $0.append(box) }
    }
}

/// A handle owned by one thread at a time (checked out of the pool).
private final class TransferBox: @unchecked Sendable {
    let transfer: HTTPTransfer
    init(_ transfer: HTTPTransfer) { self.transfer = transfer }
}

/// A request that failed for good: access denied, or still failing after every retry.
public struct AWSRequestError: Error, Sendable, CustomStringConvertible {
    /// What was being fetched (e.g. `s3://bucket/key`).
    public let object: String
    /// The last HTTP status, if a response came.
    public let status: Int?
    /// The AWS error code from the response body (`SlowDown`, `AccessDenied`, …).
    public let code: String?
    /// What went wrong.
    public let message: String
    /// Attempts made.
    public let attempts: Int

    public var description: String {
        var text = "\(object): \(message)"
        if let status { text += " (HTTP \(status)\(code.map { " \($0)" } ?? ""))" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }

    /// The `<Code>` of an S3 XML error or the `__type` of a JSON error.
    static func errorCode(_ body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if let start = text.range(ofLiteral: "<Code>"), let end = text.range(ofLiteral: "</Code>", from: start.upperBound) {
            return String(text[start.upperBound..<end.lowerBound])
        }
        if let range = text.range(ofLiteral: "\"__type\"") {
            let rest = text[range.upperBound...].drop { $0 == ":" || $0 == " " || $0 == "\"" }
            return String(rest.prefix { $0 != "\"" }).split(separator: "#").last.map(String.init)
        }
        return nil
    }
}

extension UTCTime {
    /// The current time.
    public static var now: UTCTime { UTCTime(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
}
