#if canImport(Glibc)
import Glibc
#endif

/// What to verify and how.
public struct VerificationOptions: Sendable {
    /// The bucket the store is a copy of; nil assumes each chain's newest digest's digestS3Bucket.
    public var bucket: String?
    /// Signatures for chains' newest digests (hex), when no metadata is at hand.
    public var headSignatures: [String] = []
    /// Only digests ending at or after this time.
    public var start: UTCTime?
    /// Only digests ending at or before this time plus one hour.
    public var end: UTCTime?
    /// Count gaps as notices rather than integrity findings for the exit status.
    public var allowGaps = false
    /// Threads that hash log files.
    public var workers: Int = VerificationOptions.defaultWorkers
    /// Largest uncompressed digest accepted; a larger one is malformed.
    public var digestSizeLimit = 256 << 20
    /// Slack around the newest and oldest digests when deciding whether an unlisted log file
    /// could have been covered (log names carry the delivery minute, not the second).
    public var deliveryTolerance: Int64 = 300

    /// Default options.
    public init() {}

    /// One worker per online core.
    public static var defaultWorkers: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The digest end times in scope: [start, end + 1 h], as the AWS CLI does.
    public var digestEndTimeWindow: (lower: UTCTime?, upper: UTCTime?) { (start, end?.adding(seconds: 3600)) }

    /// True when a digest ending at `time` is in scope.
    public func includesDigest(endingAt time: UTCTime) -> Bool {
        if let start, time < start { return false }
        if let upper = digestEndTimeWindow.upper, time > upper { return false }
        return true
    }
}

/// Progress of a run, reported from any thread.
public enum VerificationProgress: Sendable {
    /// Listing the store.
    case listing
    /// Digests read and checked so far.
    case digests(done: Int, total: Int)
    /// Log files hashed so far, and their uncompressed bytes.
    case logFiles(done: Int, total: Int, bytes: Int64)
}

/// Why a run could not verify anything (operational errors, exit status 2).
public enum VerifierError: Error, Sendable, CustomStringConvertible {
    /// The store holds no digest file at all.
    case noDigests(source: String, objects: Int)

    public var description: String {
        switch self {
        case .noDigests(let source, let objects):
            return "no CloudTrail digest files under \(source) (\(objects) objects looked at): expected [prefix/]AWSLogs/[o-id/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/…json.gz; is this the bucket's root, and was log file validation on?"
        }
    }
}
