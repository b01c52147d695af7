import Synchronization
import TrailproofNative

/// The S3 calls trailproof makes: ListObjectsV2, GetObject (streamed), HeadObject, and the
/// bucket's region (HeadBucket's x-amz-bucket-region), cached per bucket.
public final class S3Client: Sendable {
    /// The HTTP client.
    public let http: AWSHTTPClient
    /// The most ListObjectsV2 pages one listing may take (see `S3ListingGuard`).
    public let listPageLimit: Int
    private let regions = Mutex<[String: String]>([:])

    /// Creates a client over `http`; a listing longer than `listPageLimit` pages is an error.
    public init(http: AWSHTTPClient, listPageLimit: Int = S3Client.defaultListPageLimit) {
        self.http = http
        self.listPageLimit = max(1, listPageLimit)
    }

    /// 100,000 pages: 100 million objects at 1,000 a page.
    public static let defaultListPageLimit = S3ListingGuard.defaultPageLimit

    private var environment: AWSEnvironment { http.environment }

    /// The region of `bucket`: asked of S3 once (an S3-compatible endpoint uses the configured
    /// region, or us-east-1).
    public func region(of bucket: String) throws -> String {
        if let known = regions.withLock({ $0[bucket] }) { return known }
        var region = environment.region ?? "us-east-1"
        if environment.s3Endpoint == nil {
            let signer = SigV4Signer(credentials: environment.credentials, region: "us-east-1", service: "s3")
            let request = HTTPRequest(method: "HEAD", url: "https://\(bucket).s3.amazonaws.com/")
            if let head = try? http.send(request, signer: signer, object: "s3://\(bucket)", sink: { _ in }),
               let discovered = head.headers["x-amz-bucket-region"] {
                region = discovered
            }
        }
        regions.withLock { $0[bucket] = region }
        return region
    }

    /// The URL of `key` in `bucket` (path-style on a custom endpoint, virtual-hosted on AWS).
    public func url(bucket: String, key: String = "", query: String = "") throws -> String {
        let path = key.isEmpty ? "" : key.split(separator: "/", omittingEmptySubsequences: false)
            .map { SigV4Signer.uriEncode(String($0)) }.joined(separator: "/")
        let suffix = query.isEmpty ? "" : "?" + query
        if var endpoint = environment.s3Endpoint {
            while endpoint.hasSuffix("/") { endpoint.removeLast() }
            return "\(endpoint)/\(bucket)/\(path)\(suffix)"
        }
        let region = try self.region(of: bucket)
        if bucket.contains(".") {
            return "https://s3.\(region).amazonaws.com/\(bucket)/\(path)\(suffix)"
        }
        return "https://\(bucket).s3.\(region).amazonaws.com/\(path)\(suffix)"
    }

    private func signer(for bucket: String) throws -> SigV4Signer {
        SigV4Signer(credentials: environment.credentials, region: try region(of: bucket), service: "s3")
    }

    /// Every key under `prefix` (after `startAfter`, if given), following continuation tokens.
    public func listKeys(bucket: String, prefix: String, startAfter: String? = nil) throws -> [String] {
        try list(bucket: bucket, prefix: prefix, startAfter: startAfter, delimiter: nil).keys
    }

    /// The "folders" directly under `prefix` (common prefixes for the delimiter `/`).
    public func listFolders(bucket: String, prefix: String) throws -> [String] {
        try list(bucket: bucket, prefix: prefix, startAfter: nil, delimiter: "/").folders
    }

    /// Every object under `prefix` with its size and ETag (ListObjectsV2, all pages).
    public func listObjects(bucket: String, prefix: String) throws -> [ListedObject] {
        let listed = try list(bucket: bucket, prefix: prefix, startAfter: nil, delimiter: nil)
        return listed.keys.indices.map { ListedObject(key: listed.keys[$0], size: listed.sizes[$0], tag: listed.etags[$0]) }
    }

    /// Every key under `prefix` (after `startAfter`, if given), a ListObjectsV2 page at a time.
    public func forEachKeyPage(bucket: String, prefix: String, startAfter: String? = nil, _ body: ([String]) throws -> Void) throws {
        try forEachPage(bucket: bucket, prefix: prefix, startAfter: startAfter, delimiter: nil) { try body($0.keys) }
    }

    private func list(bucket: String, prefix: String, startAfter: String?, delimiter: String?) throws
        -> (keys: [String], folders: [String], sizes: [Int64?], etags: [String?]) {
        var keys: [String] = []
        var folders: [String] = []
        var sizes: [Int64?] = []
        var etags: [String?] = []
        try forEachPage(bucket: bucket, prefix: prefix, startAfter: startAfter, delimiter: delimiter) { page in
            keys += page.keys
            folders += page.folders
            sizes += page.sizes
            etags += page.etags
        }
        return (keys, folders, sizes, etags)
    }

    private func forEachPage(bucket: String, prefix: String, startAfter: String?, delimiter: String?,
                             _ handle: (S3ListPage) throws -> Void) throws {
        var token: String?
        var guardian: S3ListingGuard?
        let object = "s3://\(bucket)/\(prefix)"
        repeat {
            var query = "list-type=2&encoding-type=url&max-keys=1000&prefix=\(SigV4Signer.uriEncode(prefix))"
            if let delimiter { query += "&delimiter=\(SigV4Signer.uriEncode(delimiter))" }
            if let token { query += "&continuation-token=\(SigV4Signer.uriEncode(token))" }
            else if let startAfter { query += "&start-after=\(SigV4Signer.uriEncode(startAfter))" }
            let request = HTTPRequest(method: "GET", url: try url(bucket: bucket, query: query))
            var listing = guardian ?? S3ListingGuard(pageLimit: listPageLimit, requestURL: request.url, object: object)
            try listing.willRequestPage()
            let (head, body) = try http.sendCollecting(request, signer: try signer(for: bucket), object: object)
            guard head.status == 200 else {
                throw AWSRequestError(object: object, status: head.status,
                                      code: AWSRequestError.errorCode(head.errorBody), message: "cannot list objects", attempts: 1)
            }
            let page = S3ListPage(xml: body)
            // No server may page forever: a repeated token or page, or too many pages, end it.
            try listing.check(page)
            guardian = listing
            token = page.nextContinuationToken
            try handle(page)
        } while token != nil
    }

    /// Streams the object to `sink`; returns its response headers (lower-cased names, user
    /// metadata included), or nil when it does not exist (404).
    public func getObject(bucket: String, key: String, restart: () throws -> Void,
                          sink: (UnsafeRawBufferPointer) throws -> Void) throws -> [String: String]? {
        let request = HTTPRequest(method: "GET", url: try url(bucket: bucket, key: key))
        let head = try http.send(request, signer: try signer(for: bucket), object: "s3://\(bucket)/\(key)", restart: restart, sink: sink)
        switch head.status {
        case 200: return head.headers
        case 404: return nil
        default:
            throw AWSRequestError(object: "s3://\(bucket)/\(key)", status: head.status,
                                  code: AWSRequestError.errorCode(head.errorBody), message: "cannot get object", attempts: 1)
        }
    }

    /// Writes `body` as the object `key` (PutObject), signed with its payload's SHA-256.
    /// - Throws: `AWSRequestError` for any answer but 200.
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String) throws {
        let request = HTTPRequest(method: "PUT", url: try url(bucket: bucket, key: key), headers: [("Content-Type", contentType)], body: body)
        let (head, _) = try http.sendCollecting(request, signer: try signer(for: bucket), object: "s3://\(bucket)/\(key)")
        guard head.status == 200 else {
            throw AWSRequestError(object: "s3://\(bucket)/\(key)", status: head.status, code: AWSRequestError.errorCode(head.errorBody),
                                  message: "cannot write object", attempts: 1)
        }
    }

    /// The object's response headers (lower-cased names), or nil when it does not exist.
    public func headObject(bucket: String, key: String) throws -> [String: String]? {
        let request = HTTPRequest(method: "HEAD", url: try url(bucket: bucket, key: key))
        let head = try http.send(request, signer: try signer(for: bucket), object: "s3://\(bucket)/\(key)", sink: { _ in })
        switch head.status {
        case 200: return head.headers
        case 404: return nil
        default:
            throw AWSRequestError(object: "s3://\(bucket)/\(key)", status: head.status, code: nil,
                                  message: "cannot read object metadata", attempts: 1)
        }
    }
}

/// One page of a ListObjectsV2 response (`encoding-type=url`).
struct S3ListPage {
    var keys: [String] = []
    var sizes: [Int64?] = []
    var etags: [String?] = []
    var folders: [String] = []
    /// `IsTruncated` is `true`: more pages follow.
    var isTruncated = false
    /// A whole `ListBucketResult` that says whether it is truncated (not an error page, not a cut one).
    var isComplete = false
    var nextContinuationToken: String?

    init(xml bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var searchFrom = text.startIndex
        while let contents = text.range(ofLiteral: "<Contents>", from: searchFrom),
              let end = text.range(ofLiteral: "</Contents>", from: contents.upperBound) {
            let block = text[contents.upperBound..<end.lowerBound]
            if let key = S3ListPage.element("Key", in: block) {
                keys.append(S3ListPage.urlDecode(key))
                sizes.append(S3ListPage.element("Size", in: block).flatMap { Int64($0) })
                etags.append(S3ListPage.element("ETag", in: block))
            }
            searchFrom = end.upperBound
        }
        searchFrom = text.startIndex
        while let common = text.range(ofLiteral: "<CommonPrefixes>", from: searchFrom),
              let end = text.range(ofLiteral: "</CommonPrefixes>", from: common.upperBound) {
            if let folder = S3ListPage.element("Prefix", in: text[common.upperBound..<end.lowerBound]) {
                folders.append(S3ListPage.urlDecode(folder))
            }
            searchFrom = end.upperBound
        }
        let truncated = S3ListPage.element("IsTruncated", in: text[...])
        isComplete = text.contains("<ListBucketResult") && text.contains("</ListBucketResult>") && (truncated == "true" || truncated == "false")
        if truncated == "true" {
            isTruncated = true
            nextContinuationToken = S3ListPage.element("NextContinuationToken", in: text[...]).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    static func element(_ name: String, in text: Substring) -> String? {
        guard let start = text.range(ofLiteral: "<\(name)>"), let end = text.range(ofLiteral: "</\(name)>", from: start.upperBound)
        else { return nil }
        return xmlUnescape(String(text[start.upperBound..<end.lowerBound]))
    }

    static func xmlUnescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = text
        for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&#13;", "\r"), ("&#10;", "\n")] {
            out = out.replacingAll(entity, with: value)
        }
        return out.replacingAll("&amp;", with: "&")
    }

    /// `encoding-type=url` keys: percent-encoded, with `+` for a space. Bytes that are not UTF-8
    /// (which no S3 key holds, but a hostile server may send) keep their identity as
    /// `ObjectKey.text(fromBytes:)` writes them, so two such keys never become one.
    static func urlDecode(_ text: String) -> String {
        ObjectKey.text(fromBytes: SigV4Signer.percentDecodedBytes(text.replacingAll("+", with: " ")))
    }
}
