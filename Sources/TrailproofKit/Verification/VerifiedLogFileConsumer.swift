/// Takes the content of log files as verification proves them, from verification's own read:
/// nothing is read twice, and nothing reaches `deliver` before its SHA-256 has been checked in full
/// against its signed digest. `wants` and `prepare` run on any worker thread at once; `deliver`
/// runs on one thread at a time, in release order (chain, then log file time, then key).
public protocol VerifiedLogFileConsumer: AnyObject, Sendable {
    /// What `prepare` makes of a log file's bytes, for `deliver`.
    associatedtype Prepared: Sendable
    /// Uncompressed bytes kept per log file at most; a larger valid file is delivered as `.tooLarge`.
    var byteLimit: Int { get }
    /// Whether to keep `file`'s bytes while it is hashed (false: it is only hashed).
    func wants(_ file: VerifiedLogFile) -> Bool
    /// Works on a valid file's content off the ordered path (parsing, say).
    func prepare(_ file: VerifiedLogFile, _ content: VerifiedLogFile.Content) -> Prepared
    /// Takes a valid file, in order. A throw stops the run: nothing after it is delivered.
    func deliver(_ file: VerifiedLogFile, _ prepared: Prepared) throws
}

/// A log file whose hash matched its authentic digest's entry, with the proof behind it.
public struct VerifiedLogFile: Sendable {
    /// Its key.
    public var key: String
    /// Its bucket (as its digest lists it).
    public var bucket: String
    /// Its delivery time, from its key.
    public var time: UTCTime?
    /// The SHA-256 of its uncompressed content (hex), equal to the digest's entry.
    public var sha256: String
    /// The digest that lists it.
    public var digestKey: String
    /// The bucket that digest says it was delivered to.
    public var digestBucket: String
    /// The end of that digest's span.
    public var digestEnd: UTCTime
    /// The report's id of the digest's chain.
    public var chain: String
    /// Where the digest's signature came from.
    public var signatureSource: SignatureSource?
    /// The fingerprint of the key that signed the digest.
    public var publicKeyFingerprint: String

    /// What was kept of a valid file.
    public enum Content: Sendable {
        /// Its whole uncompressed content.
        case bytes([UInt8])
        /// More than `byteLimit` bytes: hashed, not kept.
        case tooLarge(limit: Int)
    }
}
