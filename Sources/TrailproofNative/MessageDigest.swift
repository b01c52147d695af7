internal import CTrailproof

/// A streaming OpenSSL EVP message digest (SHA-256 or MD5).
///
/// One instance owns one `EVP_MD_CTX`; it is not thread-safe, make one per thread.
public final class MessageDigest {
    /// The digest algorithms trailproof needs.
    public enum Algorithm: Sendable {
        /// SHA-256: log file and digest hashes, signatures.
        case sha256
        /// MD5: public key fingerprints only.
        case md5
        /// SHA-1: only to name the AWS CLI's IAM Identity Center token cache file, as the CLI does.
        case sha1
    }

    private let context: OpaquePointer
    private let algorithm: Algorithm
    /// Whether the context must be initialised before the next byte or result: set by `reset`
    /// and `finish`, so that a message costs one initialisation however often it is reset
    /// (a file's first read resets, and each initialisation allocates inside OpenSSL).
    private var needsInitialisation = true

    /// Creates a digest ready for `update`.
    public init(_ algorithm: Algorithm) throws {
        guard let context = EVP_MD_CTX_new() else {
            throw NativeError(.openssl, "allocate digest context", detail: drainOpenSSLErrors())
        }
        self.context = context
        self.algorithm = algorithm
        try initialiseIfNeeded()
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Starts over, discarding what was hashed so far.
    public func reset() throws {
        needsInitialisation = true
    }

    private func initialiseIfNeeded() throws {
        guard needsInitialisation else { return }
        let md: OpaquePointer?
        switch algorithm {
        case .sha256: md = MessageDigest.sha256 ?? EVP_sha256()
        case .md5: md = MessageDigest.md5 ?? EVP_md5()
        case .sha1: md = EVP_sha1()
        }
        try checkOpenSSL(EVP_DigestInit_ex(context, md, nil), "initialise digest")
        needsInitialisation = false
    }

    // The algorithms fetched from OpenSSL's default provider once (never freed): the legacy
    // `EVP_sha256()` is looked up again, under a lock, on every initialisation, twice per file.
    private nonisolated(unsafe) static let sha256 = EVP_MD_fetch(nil, "SHA256", nil)
    private nonisolated(unsafe) static let md5 = EVP_MD_fetch(nil, "MD5", nil)

    /// Feeds `count` bytes at `bytes`.
    public func update(_ bytes: UnsafeRawPointer, count: Int) throws {
        guard count > 0 else { return }
        try initialiseIfNeeded()
        try checkOpenSSL(EVP_DigestUpdate(context, bytes, count), "update digest")
    }

    /// Feeds a buffer of bytes.
    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        try update(base, count: bytes.count)
    }

    /// Feeds an array of bytes.
    public func update(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try update($0) }
    }

    /// Finishes and returns the digest bytes; the digest is then ready for a new message.
    public func finish() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        let length = try out.withUnsafeMutableBufferPointer { try finish(into: $0.baseAddress!) }
        return Array(out.prefix(length))
    }

    /// `finish` of a SHA-256 digest, held inline (nothing allocated).
    public func finishSHA256() throws -> SHA256Value {
        precondition(algorithm == .sha256, "finishSHA256 of a \(algorithm) digest")
        var value = SHA256Value()
        let length = try withUnsafeMutableBytes(of: &value.words) { try finish(into: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        guard length == SHA256Value.byteCount else {
            throw NativeError(.openssl, "finish digest", detail: "\(length) bytes, not \(SHA256Value.byteCount)")
        }
        return value
    }

    /// Writes the digest's bytes to `out` (room for `EVP_MAX_MD_SIZE`; OpenSSL writes the
    /// algorithm's own size, 32 bytes for SHA-256) and returns their count; the next byte or
    /// result starts a new message.
    private func finish(into out: UnsafeMutablePointer<UInt8>) throws -> Int {
        try initialiseIfNeeded()
        var length: UInt32 = 0
        needsInitialisation = true
        try checkOpenSSL(EVP_DigestFinal_ex(context, out, &length), "finish digest")
        return Int(length)
    }

    /// SHA-256 of `bytes`, as lower-case hex.
    public static func sha256Hex(_ bytes: [UInt8]) throws -> String {
        let digest = try MessageDigest(.sha256)
        try digest.update(bytes)
        return Hex.encode(try digest.finish())
    }

    /// SHA-1 of `bytes`, as lower-case hex (the AWS CLI's SSO token cache file names; not for security).
    public static func sha1Hex(_ bytes: [UInt8]) throws -> String {
        let digest = try MessageDigest(.sha1)
        try digest.update(bytes)
        return Hex.encode(try digest.finish())
    }

    /// MD5 of `bytes`, as lower-case hex (CloudTrail public key fingerprints).
    public static func md5Hex(_ bytes: [UInt8]) throws -> String {
        let digest = try MessageDigest(.md5)
        try digest.update(bytes)
        return Hex.encode(try digest.finish())
    }
}
