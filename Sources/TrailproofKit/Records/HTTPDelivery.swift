import FoundationEssentials
import TrailproofNative

/// Posts a body to an HTTP endpoint until it is acknowledged (2xx): 5xx, 429 and connection
/// failures are retried with exponential backoff and full jitter; anything else, or a fault that
/// outlasts the retries, is an error (the run ends with exit 2, and nothing past it counts as delivered).
/// One post at a time: callers on several threads take turns (`OneInFlight`), never overlap.
final class HTTPDelivery: @unchecked Sendable {
    let headers: [(name: String, value: String)]
    let attempts: Int
    let baseDelay: Double
    private let transfer: HTTPTransfer

    init(headers: [(name: String, value: String)], attempts: Int = 6, baseDelay: Double = 0.2) throws {
        self.headers = headers
        self.attempts = attempts
        self.baseDelay = baseDelay
        transfer = try HTTPTransfer()
    }

    /// Posts `body` to `url`; returns the response body of the acknowledgement.
    @discardableResult
    func post(_ body: [UInt8], to url: String, what: String) throws -> [UInt8] {
        var failure = ""
        for attempt in 0..<attempts {
            if attempt > 0 {
                let ceiling = baseDelay * Double(1 << min(attempt, 10))
                ThreadSleep.sleep(seconds: Double.random(in: 0...ceiling))
            }
            var response: [UInt8] = []
            do {
                // A sink is the user's own endpoint: it may take as long to answer as to stall.
                var timeouts = HTTPTimeouts()
                timeouts.response = timeouts.stall
                let head = try transfer.perform(HTTPRequest(method: "POST", url: url, headers: headers, body: body), timeouts: timeouts) {
                    response.append(contentsOf: $0)
                }
                if (200..<300).contains(head.status) { return response }
                failure = "HTTP \(head.status): " + String(decoding: (head.errorBody + response).prefix(300), as: UTF8.self)
                guard head.status >= 500 || head.status == 429 else { break }
            } catch let error as HTTPTransportError where error.isTransient {
                failure = "\(error)"
            }
        }
        throw RecordSinkError(sink: what, detail: "\(failure) (\(attempts) attempts at most)")
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
