import TrailproofNative

/// One small HTTP exchange with a credential endpoint (STS, the SSO portal, the container or
/// instance metadata endpoint), through libcurl, with short time limits and a bounded body.
enum CredentialHTTP {
    /// The status, headers and at most `limit` bytes of body of `request`'s answer.
    /// - Throws: `HTTPTransportError` when no answer comes; `CredentialError` for a body too large.
    static func exchange(_ request: HTTPRequest, source: String, connectSeconds: Int = 5, totalSeconds: Int = 30,
                         limit: Int = 1 << 20) throws -> (status: Int, headers: [String: String], body: [UInt8]) {
        let transfer = try HTTPTransfer()
        var timeouts = HTTPTimeouts()
        timeouts.connect = connectSeconds
        timeouts.response = totalSeconds
        timeouts.stall = totalSeconds
        timeouts.totalMilliseconds = totalSeconds * 1000
        var body: [UInt8] = []
        let head = try transfer.perform(request, timeouts: timeouts) { chunk in
            guard body.count + chunk.count <= limit else {
                throw CredentialError(source: source, "answer larger than \(limit) bytes")
            }
            body.append(contentsOf: chunk)
        }
        return (head.status, head.headers, (200..<300).contains(head.status) ? body : head.errorBody)
    }

    /// `application/x-www-form-urlencoded` text of `pairs`.
    static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return out
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

private extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}
