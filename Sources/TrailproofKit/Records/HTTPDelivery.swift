import FoundationEssentials
import TrailproofNative

/// Posts a body to an HTTP endpoint until it is acknowledged (2xx), under `RetryPolicy`:
/// transient answers (429, 500, 502, 503, 504) and connection failures are retried with
/// exponential backoff and full jitter; anything else, or a fault that outlasts the retries, is an
/// error (the run ends with exit 2, and nothing past it counts as delivered).
/// One post at a time: callers on several threads take turns (`OneInFlight`), never overlap.
final class HTTPDelivery: @unchecked Sendable {
    let headers: [(name: String, value: String)]
    let retry: RetryPolicy
    private let transfer: HTTPTransfer

    /// The policy for a records sink: 6 attempts, waits of up to 0.4 s doubling to 6.4 s, no
    /// deadline; a sink is the user's own endpoint, which may take as long to answer as to stall.
    static var sinkRetryPolicy: RetryPolicy {
        var policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.4, maxDelay: 8, deadline: nil)
        policy.timeouts.response = policy.timeouts.stall
        return policy
    }

    init(headers: [(name: String, value: String)], retry: RetryPolicy = HTTPDelivery.sinkRetryPolicy) throws {
        self.headers = headers
        self.retry = retry
        transfer = try HTTPTransfer()
    }

    /// Posts `body` to `url`; returns the response body of the acknowledgement.
    /// - Throws: `RecordSinkError` naming `what` for an answer that is not 2xx or a failure that outlasts the retries.
    @discardableResult
    func post(_ body: [UInt8], to url: String, what: String) throws -> [UInt8] {
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: body)
        return try retry.run({ attempt in
            var response: [UInt8] = []
            do {
                let head = try transfer.perform(request, timeouts: attempt.timeouts) { response.append(contentsOf: $0) }
                if (200..<300).contains(head.status) { return .success(response) }
                let failure = RecordSinkError(sink: what, detail: "HTTP \(head.status): "
                    + String(decoding: (head.errorBody + response).prefix(300), as: UTF8.self))
                guard RetryPolicy.isTransient(status: head.status) else { throw failure }
                return .transient(failure)
            } catch let error as HTTPTransportError {
                let failure = RecordSinkError(sink: what, detail: "\(error)")
                guard RetryPolicy.isTransient(error) else { throw failure }
                return .transient(failure)
            }
        }, giveUp: { last, _, attempts in
            let detail = (last as? RecordSinkError)?.detail ?? "\(last)"
            return RecordSinkError(sink: what, detail: "\(detail) (after \(attempts) attempts)")
        })
    }
}

/// A sink that could not deliver (exit status 2).
public struct RecordSinkError: Error, Sendable, CustomStringConvertible {
    /// The sink, as given.
    public let sink: String
    /// What failed.
    public let detail: String

    public var description: String { "records sink \(sink): \(detail)" }
}
