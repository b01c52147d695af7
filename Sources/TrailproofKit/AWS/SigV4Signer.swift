import TrailproofNative

/// AWS Signature Version 4 (header-based).
public struct SigV4Signer: Sendable {
    /// Who signs: read at every signature, so that temporary credentials are refreshed in time.
    public let credentials: RefreshableCredentials
    /// The region in the credential scope.
    public let region: String
    /// The service in the credential scope ("s3", "cloudtrail").
    public let service: String

    /// Creates a signer.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.init(credentials: RefreshableCredentials(fixed: credentials), region: region, service: service)
    }

    /// Creates a signer whose credentials refresh themselves.
    public init(credentials: RefreshableCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Returns `request` with `host`, `x-amz-date`, (for S3) `x-amz-content-sha256`, the session
    /// token and `Authorization` headers added.
    /// - Parameter date: the signing time.
    public func sign(_ request: HTTPRequest, date: UTCTime) throws -> HTTPRequest {
        guard let url = ParsedURL(request.url) else { throw AWSConfigurationError.noRegion("malformed URL \(request.url)") }
        let credentials = try self.credentials.current()
        let amzDate = date.compact(withSeconds: true)
        let day = String(amzDate.prefix(8))
        let payloadHash = try MessageDigest.sha256Hex(request.body)
        var headers = request.headers.filter { $0.name.lowercased() != "authorization" }
        headers.append(("host", url.hostHeader))
        headers.append(("x-amz-date", amzDate))
        if service == "s3" { headers.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }

        let canonicalHeaders = headers
            .map { (name: $0.name.lowercased(), value: $0.value.trimmingWhitespace.collapsingSpaces) }
            .sorted { $0.name < $1.name }
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            request.method,
            SigV4Signer.canonicalPath(url.path, service: service),
            SigV4Signer.canonicalQuery(url.query),
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, try MessageDigest.sha256Hex(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
        var key = try HMACSHA256.authenticate(Array(day.utf8), key: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [region, service, "aws4_request"] { key = try HMACSHA256.authenticate(Array(part.utf8), key: key) }
        let signature = Hex.encode(try HMACSHA256.authenticate(Array(stringToSign.utf8), key: key))
        headers.append(("Authorization",
                        "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        var signed = request
        signed.headers = headers
        return signed
    }

    /// The URI-encoded path; S3 encodes each segment once, other services twice.
    static func canonicalPath(_ path: String, service: String) -> String {
        guard !path.isEmpty else { return "/" }
        let decoded = path.split(separator: "/", omittingEmptySubsequences: false).map { percentDecode(String($0)) }
        let once = decoded.map { uriEncode($0) }
        if service == "s3" { return once.joined(separator: "/") }
        return once.map { uriEncode($0) }.joined(separator: "/")
    }

    /// Query parameters sorted by name, each name and value URI-encoded.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(name: String, value: String)] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(percentDecode(String(parts[0])))
            let value = parts.count > 1 ? uriEncode(percentDecode(String(parts[1]))) : ""
            pairs.append((name, value))
        }
        pairs.sort { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ becomes %XX.
    public static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += "%" + Hex.encode([byte]).uppercased()
            }
        }
        return out
    }

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8))

    static func percentDecode(_ text: String) -> String {
        String(decoding: percentDecodedBytes(text), as: UTF8.self)
    }

    /// The bytes `text` percent-encodes (a `%` not followed by two hex digits stands for itself).
    static func percentDecodedBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let decoded = Hex.decode(String(decoding: [high, low], as: UTF8.self)) {
                bytes += decoded
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }
}

/// The parts of an http(s) URL that signing needs.
struct ParsedURL {
    let scheme: String
    let host: String
    let port: Int?
    let path: String
    let query: String

    init?(_ url: String) {
        guard let schemeEnd = url.range(ofLiteral: "://") else { return nil }
        scheme = String(url[..<schemeEnd.lowerBound]).lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let colon = authority.lastIndex(of: ":"), let parsed = Int(authority[authority.index(after: colon)...]) {
            host = String(authority[..<colon])
            port = parsed
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { return nil }
        let pathAndQuery = rest[authorityEnd...]
        if let question = pathAndQuery.firstIndex(of: "?") {
            path = String(pathAndQuery[..<question])
            query = String(pathAndQuery[pathAndQuery.index(after: question)...])
        } else {
            path = String(pathAndQuery)
            query = ""
        }
    }

    /// The Host header: the port only when it is not the scheme's default.
    var hostHeader: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }
}

private extension String {
    var collapsingSpaces: String {
        var out = ""
        var lastWasSpace = false
        for char in self {
            if char == " " {
                if !lastWasSpace { out.append(char) }
                lastWasSpace = true
            } else {
                out.append(char)
                lastWasSpace = false
            }
        }
        return out
    }
}
