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
    private let signaturesSeen = Mutex(RecentSignatures())

    /// How far before --start the listing begins: the predecessor of the oldest digest in scope,
    /// and older digests that show a chain restart, must be seen.
    public static let listingMargin: Int64 = 86_400

    /// With a time window, the listing skips (with start-after) the dates before this day in
    /// every trail folder; nil lists everything.
    public let listFrom: UTCTime?

    /// Opens `s3://bucket/prefix` through `client`; `listFrom` skips older date folders.
    public init(bucket: String, prefix: String, client: S3Client, listFrom: UTCTime? = nil) {
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
        self.listFrom = listFrom
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

    /// The same bucket and prefix, listed whole.
    public func withoutListingWindow() -> any ObjectStore { S3Store(bucket: bucket, prefix: prefix, client: client) }

    /// Lists once (the pages of `forEachListingPage`) and remembers the listing for the rest of the run.
    public func listKeys() throws -> [String] {
        if let cached = listing.withLock({ $0 }) { return cached }
        var keys: [String] = []
        try forEachListingPage { keys += $0 }
        listing.withLock { $0 = keys }
        return keys
    }

    /// The listing a ListObjectsV2 page at a time, never held whole (unless `listKeys` already
    /// holds it). With `listFrom`, each trail folder's region folder is listed from that day on
    /// (start-after); without, or when no trail folder is found within a few levels, the prefix.
    public func forEachListingPage(_ body: ([String]) throws -> Void) throws {
        if let cached = listing.withLock({ $0 }) { return try body(cached) }
        try fetch {
            if let listFrom, let folders = try regionFolders() {
                for folder in folders {
                    try client.forEachKeyPage(bucket: bucket, prefix: folder, startAfter: S3Store.startAfter(folder, day: listFrom), body)
                }
            } else {
                try client.forEachKeyPage(bucket: bucket, prefix: prefix, body)
            }
        }
    }

    /// Lists `folder` alone, windowed as `listKeys` is: a trail folder's region folder from
    /// `listFrom`'s day on (start-after); a date folder wholly before that day not at all.
    public func listKeys(under folder: String) throws -> [String] {
        if let cached = listing.withLock({ $0 }) { return cached.filter { $0.hasBytePrefix(folder) } }
        var startAfter: String?
        if let day = listFrom?.keyDatePath {
            if DirectoryStore.isDateFolder(folder, before: day) { return [] }
            if S3Store.isRegionFolder(folder), let listFrom { startAfter = S3Store.startAfter(folder, day: listFrom) }
        }
        return try fetch { try client.listKeys(bucket: bucket, prefix: folder, startAfter: startAfter) }
    }

    /// The start-after that lists a region folder from `day`'s date folder on: the date folder
    /// itself, `FOLDER/YYYY/MM/DD/`, which every key in it follows. (Without the last `/`, S3
    /// lists the same keys, but SeaweedFS, which reads start-after as a path, skips that whole
    /// date folder.)
    static func startAfter(_ regionFolder: String, day: UTCTime) -> String {
        regionFolder + day.keyDatePath + "/"
    }

    /// True for `…/CloudTrail/REGION/` or `…/CloudTrail-Digest/REGION/`.
    static func isRegionFolder(_ folder: String) -> Bool {
        let parts = folder.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        guard parts.count >= 2 else { return false }
        let kind = parts[parts.endIndex - 2]
        return folder.hasByteSuffix("/") && (kind.utf8.elementsEqual("CloudTrail".utf8) || kind.utf8.elementsEqual("CloudTrail-Digest".utf8))
    }

    /// The whole prefix (never windowed), with sizes and ETags.
    public func listObjects() throws -> [ListedObject] {
        try fetch { try client.listObjects(bucket: bucket, prefix: prefix) }
    }

    public func readObject(_ key: String, limit: Int) throws -> [UInt8]? {
        try collectObject(key, limit: limit)
    }

    public func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        try DirectoryStore.checkKeyIsSafe(key)
        guard let headers = try fetch({ try client.getObject(bucket: bucket, key: key, restart: restart, sink: body) }) else {
            return false
        }
        if let saved = S3Store.signature(in: headers) { signaturesSeen.withLock { $0.keep(saved, for: ObjectKey(key)) } }
        return true
    }

    public func savedSignature(for key: String) throws -> SavedSignature? {
        if let seen = signaturesSeen.withLock({ $0.take(ObjectKey(key)) }) { return seen }
        guard let headers = try fetch({ try client.headObject(bucket: bucket, key: key) }) else { return nil }
        return S3Store.signature(in: headers)
    }

    /// How many signatures from GetObject responses are held, not yet asked for (`RecentSignatures`).
    var signaturesHeld: Int { signaturesSeen.withLock { $0.count } }

    private static func signature(in headers: [String: String]) -> SavedSignature? {
        guard let signature = headers["x-amz-meta-signature"] else { return nil }
        var saved = SavedSignature(signatureHex: signature.trimmingWhitespace.lowercased(), algorithm: headers["x-amz-meta-signature-algorithm"],
                                   source: .s3Metadata)
        saved.backfillGenerationTimestamp = headers["x-amz-meta-backfill-generation-timestamp"]
        return saved
    }

    /// The trail folders' region folders, sorted, found by listing folder by folder; nil when
    /// there is none within a few levels.
    private func regionFolders() throws -> [String]? {
        var regionFolders: [String] = []
        var pending: [(folder: String, depth: Int, underAWSLogs: Int?)] = [(prefix, 0, nil)]
        while let (folder, depth, below) = pending.popLast() {
            for child in try client.listFolders(bucket: bucket, prefix: folder) {
                let name = String(child.dropFirst(folder.count).dropLast())
                if let below {
                    // Under AWSLogs/: [o-id/] ACCOUNT/ {CloudTrail, CloudTrail-Digest}/ REGION/
                    if name.sameBytes(as: "CloudTrail") || name.sameBytes(as: "CloudTrail-Digest") {
                        regionFolders += try client.listFolders(bucket: bucket, prefix: child)
                    } else if below < 2 {
                        pending.append((child, depth + 1, below + 1))
                    }
                } else if name.sameBytes(as: "AWSLogs") {
                    pending.append((child, depth + 1, 0))
                } else if depth < 4 {
                    pending.append((child, depth + 1, nil))
                }
            }
        }
        return regionFolders.isEmpty ? nil : regionFolders.sorted { $0.bytesPrecede($1) }
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
