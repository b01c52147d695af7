import TrailproofNative

/// One small HTTP exchange with a credential endpoint (STS, the SSO portal, the container or
/// instance metadata endpoint), through libcurl, with short time limits, a bounded body, and
/// transient failures retried under `RetryPolicy`.
enum CredentialHTTP {
    /// The answer to an exchange.
    typealias Answer = (status: Int, headers: [String: String], body: [UInt8])

    /// The policy of an exchange: `attempts` attempts, waits from 0.1 s up to 1 s, each attempt
    /// connected within `connectSeconds` and done within `totalSeconds`.
    static func retryPolicy(connectSeconds: Int, totalSeconds: Int, attempts: Int) -> RetryPolicy {
        var timeouts = HTTPTimeouts()
        timeouts.connect = connectSeconds
        timeouts.response = totalSeconds
        timeouts.stall = totalSeconds
        timeouts.totalMilliseconds = totalSeconds * 1000
        return RetryPolicy(maxAttempts: attempts, baseDelay: 0.1, maxDelay: 1, deadline: Double(totalSeconds * attempts) + 1, timeouts: timeouts)
    }

    /// The status, headers and at most `limit` bytes of body of `request`'s answer (the error
    /// body for a status that is not 2xx). A transient answer (`RetryPolicy.isTransient`) or
    /// transport failure is retried, up to `attempts` attempts in all; the last answer is
    /// returned whatever its status.
    /// - Throws: `HTTPTransportError` when no answer comes; `CredentialError` for a body too large.
    static func exchange(_ request: HTTPRequest, source: String, connectSeconds: Int = 5, totalSeconds: Int = 30, attempts: Int = 3,
                         limit: Int = 1 << 20) throws -> Answer {
        let transfer = try HTTPTransfer()
        var lastAnswer: Answer?
        do {
            return try retryPolicy(connectSeconds: connectSeconds, totalSeconds: totalSeconds, attempts: attempts).run { attempt in
                var body: [UInt8] = []
                let head: HTTPResponseHead
                do {
                    head = try transfer.perform(request, timeouts: attempt.timeouts) { chunk in
                        guard body.count + chunk.count <= limit else {
                            throw CredentialError(source: source, "answer larger than \(limit) bytes")
                        }
                        body.append(contentsOf: chunk)
                    }
                } catch let error as HTTPTransportError where RetryPolicy.isTransient(error) {
                    return .transient(error)
                }
                let answer: Answer = (head.status, head.headers, (200..<300).contains(head.status) ? body : head.errorBody)
                guard RetryPolicy.isTransient(status: head.status, code: AWSRequestError.errorCode(answer.body)) else { return .success(answer) }
                lastAnswer = answer
                return .transient(TransientAnswer())
            }
        } catch is TransientAnswer {
            guard let lastAnswer else { throw CredentialError(source: source, "no answer") }
            return lastAnswer
        }
    }

    /// Marks an attempt that got a transient answer (kept aside, returned if it is the last).
    private struct TransientAnswer: Error {}

    /// `application/x-www-form-urlencoded` text of `pairs`.
    static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&")
    }

    /// The text of the first `<tag>…</tag>` in an XML answer (STS answers are flat and small).
    static func xmlValue(_ tag: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(ofLiteral: "<\(tag)>"),
              let end = text.range(ofLiteral: "</\(tag)>", from: start.upperBound) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// Why a transfer failed, in words, for skip reasons and errors.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPTransportError { return error.message }
        return "\(error)"
    }
}
