import Synchronization

/// A trail bucket read in place over the S3 API: `s3://BUCKET[/PREFIX]`.
public final class S3Store: ObjectStore {
    /// The bucket.
    public let bucket: String
    /// The key prefix listed ("" for the whole bucket).
    public let prefix: String
    /// The S3 client.
    public let client: S3Client
    private let listing = Mutex<[String]?>(nil)
    /// Signatures seen in GetObject responses, so a digest read costs no extra HeadObject.
    private let signaturesSeen = Mutex<[String: SavedSignature]>([:])

    /// Opens `s3://bucket/prefix` through `client`.
    public init(bucket: String, prefix: String, client: S3Client) {
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
    }

    /// Parses `s3://BUCKET[/PREFIX]`; nil for anything else.
    public static func parse(url: String) -> (bucket: String, prefix: String)? {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst("s3://".count)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        var prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        return (String(bucket), prefix)
    }

    public var displayName: String { "s3://\(bucket)/\(prefix)" }

    /// Lists once and remembers the listing for the rest of the run.
    public func listKeys() throws -> [String] {
        if let cached = listing.withLock({ $0 }) { return cached }
        let keys = try fetch { try client.listKeys(bucket: bucket, prefix: prefix) }
        listing.withLock { $0 = keys }
        return keys
    }

    public func readObject(_ key: String, limit: Int) throws -> [UInt8]? {
        try collectObject(key, limit: limit)
    }

    public func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        try DirectoryStore.checkKeyIsSafe(key)
        guard let headers = try fetch({ try client.getObject(bucket: bucket, key: key, restart: restart, sink: body) }) else {
            return false
        }
        if let saved = S3Store.signature(in: headers) { signaturesSeen.withLock { $0[key] = saved } }
        return true
    }

    public func savedSignature(for key: String) throws -> SavedSignature? {
        if let seen = signaturesSeen.withLock({ $0[key] }) { return seen }
        guard let headers = try fetch({ try client.headObject(bucket: bucket, key: key) }) else { return nil }
        return S3Store.signature(in: headers)
    }

    private static func signature(in headers: [String: String]) -> SavedSignature? {
        guard let signature = headers["x-amz-meta-signature"] else { return nil }
        return SavedSignature(signatureHex: signature.trimmingWhitespace, algorithm: headers["x-amz-meta-signature-algorithm"],
                              source: .s3Metadata)
    }

    /// Runs an S3 call, turning a failed request into `StoreError.fetchFailed` (an operational error).
    private func fetch<T>(_ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch let error as AWSRequestError {
            throw StoreError.fetchFailed("\(error)")
        }
    }
}
