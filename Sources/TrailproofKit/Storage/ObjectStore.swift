/// A place holding a trail's objects by S3 key: a local copy of a bucket, or a bucket itself.
public protocol ObjectStore: Sendable {
    /// How to name the store to a person, e.g. a path or `s3://bucket/prefix`.
    var displayName: String { get }

    /// Every object key in the store, in no particular order.
    func listKeys() throws -> [String]

    /// The same keys as `listKeys`, handed over page by page (in no particular order), so that
    /// a listing of millions of objects is never held whole.
    func forEachListingPage(_ body: ([String]) throws -> Void) throws

    /// The keys of `listKeys` that lie under `folder` (a key prefix ending in `/`), listed from
    /// the store itself rather than from a whole listing.
    func listKeys(under folder: String) throws -> [String]

    /// Every object with its size and content tag (for day fingerprints); keys only by default.
    func listObjects() throws -> [ListedObject]

    /// The whole object, or nil when no object has that key.
    /// - Throws: `StoreError` when the object exists but cannot be read, or is larger than `limit`.
    func readObject(_ key: String, limit: Int) throws -> [UInt8]?

    /// Streams the object to `body` in chunks; returns false when no object has that key.
    /// `restart` runs before every attempt (a network store retries a broken transfer from the
    /// start), so the consumer can discard what it received.
    func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool

    /// The signature saved with a digest object (S3 metadata, a sidecar file or extended attributes), if any.
    func savedSignature(for key: String) throws -> SavedSignature?

    /// The same store listing everything, whatever window its listing was given (a recheck
    /// reads the verified past).
    func withoutListingWindow() -> any ObjectStore
}

/// An object in a listing, with what the listing says about its content.
public struct ListedObject: Sendable, Equatable {
    /// Its key.
    public var key: String
    /// Its size in bytes, when the listing gives it.
    public var size: Int64?
    /// A tag that changes with its content: the S3 ETag, or a file's modification time.
    public var tag: String?

    /// Creates a listed object.
    public init(key: String, size: Int64?, tag: String?) {
        self.key = key
        self.size = size
        self.tag = tag
    }
}

extension ObjectStore {
    /// By default the store itself: its listing has no window.
    public func withoutListingWindow() -> any ObjectStore { self }

    /// By default the whole listing as one page.
    public func forEachListingPage(_ body: ([String]) throws -> Void) throws {
        try body(listKeys())
    }

    /// By default the whole listing, filtered.
    public func listKeys(under folder: String) throws -> [String] {
        try listKeys().filter { $0.hasBytePrefix(folder) }
    }

    /// Every object with its size and content tag; by default only the keys.
    public func listObjects() throws -> [ListedObject] {
        try listKeys().map { ListedObject(key: $0, size: nil, tag: nil) }
    }

    /// Reads a whole object through `streamObject`, refusing more than `limit` bytes; nil when absent.
    public func collectObject(_ key: String, limit: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        let found = try streamObject(key, restart: { bytes.removeAll(keepingCapacity: true) }) { chunk in
            guard bytes.count + chunk.count <= limit else {
                throw StoreError.unreadable(key: key, detail: "larger than \(limit) bytes")
            }
            bytes.append(contentsOf: chunk)
        }
        return found ? bytes : nil
    }
}

/// A digest signature found stored with the digest object.
public struct SavedSignature: Sendable, Equatable {
    /// What a signature sidecar adds to its digest's key: `<key>.metadata.json`.
    public static let sidecarSuffix = ".metadata.json"

    /// The hex signature text as stored.
    public var signatureHex: String
    /// The stored signature algorithm, if one was stored.
    public var algorithm: String?
    /// Where it was found.
    public var source: SignatureSource
    /// For a backfill digest, `backfill-generation-timestamp` as stored (kept by archives).
    public var backfillGenerationTimestamp: String?
    /// Why the saved metadata cannot be trusted (fields or sources that disagree, a sidecar that
    /// is not JSON); such a signature never verifies and the digest is `signature-invalid`.
    public var conflict: String?

    /// Creates a saved signature.
    public init(signatureHex: String, algorithm: String?, source: SignatureSource) {
        self.signatureHex = signatureHex
        self.algorithm = algorithm
        self.source = source
    }
}

/// Where the signature that a digest was checked against came from.
public enum SignatureSource: String, Sendable, Codable, CaseIterable {
    /// `<key>.metadata.json` beside the digest file.
    case metadataFile = "metadata-file"
    /// `user.signature` extended attribute on the digest file.
    case extendedAttribute = "extended-attribute"
    /// S3 object metadata (`x-amz-meta-signature`).
    case s3Metadata = "s3-metadata"
    /// previousDigestSignature of the next digest in the chain.
    case successorDigest = "successor-digest"
    /// Given on the command line with --head-signature.
    case headSignature = "head-signature"
}

/// Why an object could not be read. A missing object is not an error (it is a finding).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key cannot name a file inside the store (`..`, absolute, NUL, backslash, link out of the root).
    case unsafeKey(key: String, reason: String)
    /// The object exists but reading it failed.
    case unreadable(key: String, detail: String)
    /// The store itself cannot be used.
    case storeUnusable(String)
    /// The object could not be fetched (access denied, retries exhausted): the run cannot go on.
    case fetchFailed(String)

    public var description: String {
        switch self {
        case .unsafeKey(let key, let reason): return "unsafe object key \(key.debugDescription): \(reason)"
        case .unreadable(let key, let detail): return "cannot read \(key): \(detail)"
        case .storeUnusable(let detail), .fetchFailed(let detail): return detail
        }
    }
}
