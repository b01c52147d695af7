#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// How to verify: policy (what counts as a problem, what a report lists) and tuning (limits,
/// workers, batches). What a run covers and trusts is its plan's (`RunPlan`, `RunScope`).
public struct VerificationOptions: Sendable {
    /// Count gaps as notices rather than integrity findings for the exit status.
    public var allowGaps = false
    /// Threads that hash log files (at most `maximumWorkers`).
    public var workers: Int = VerificationOptions.defaultWorkers {
        didSet { workers = min(max(1, workers), VerificationOptions.maximumWorkers) }
    }
    /// Largest uncompressed digest accepted; a larger one is malformed.
    public var digestSizeLimit = 256 << 20
    /// Largest log file read, in compressed bytes: a larger one is `unreadable`, and reading it
    /// stops there (an endless body or a file grown on purpose costs bounded work).
    public var logFileCompressedLimit = VerificationOptions.defaultLogFileSizeLimit
    /// Largest log file read, in uncompressed bytes: a larger one (a gzip bomb) is `unreadable`.
    public var logFileUncompressedLimit = VerificationOptions.defaultLogFileSizeLimit
    /// 1 GiB, compressed and uncompressed: CloudTrail's log files are far smaller.
    public static let defaultLogFileSizeLimit = 1 << 30
    /// Uncompressed digest bytes each worker may hold at once; a larger digest waits until no
    /// other large digest is being read, so digests never hold more than
    /// `workers × digestSmallAllowance + digestSizeLimit` bytes, whatever the input.
    public var digestSmallAllowance = 2 << 20
    /// Slack around the newest and oldest digests when deciding whether an unlisted log file
    /// could have been covered (log names carry the delivery minute, not the second).
    public var deliveryTolerance: Int64 = 300

    /// Whether the report lists every valid log file (`--list-valid`); when false they are
    /// counted in the totals only, and the report holds findings and notices, so its size does
    /// not grow with the trail. False by default, as in the CLI.
    public var listsValidLogFiles = false

    /// Whether the report lists every valid digest; when false they are counted in the totals
    /// and the chains' summaries only (what grows with the trail is then the findings). False by
    /// default, as in the CLI.
    public var listsValidDigests = false

    /// Most trail objects (digests and log files) a batch holds: bucket locations are verified
    /// in batches of about this many (a larger location is a batch of its own).
    public var batchObjectLimit = 5_000 {
        didSet { batchObjectLimit = max(1, batchObjectLimit) }
    }

    /// Batches verified at once: with 2, one batch's serial steps (listing, chain checks,
    /// accounting) run while another's log files are hashed, and in a location cut by date
    /// folder the next group of log files is prepared while one is hashed. A run then holds up
    /// to this many batches. With 1, work does not overlap (what suits a store whose every
    /// transfer holds buffers, such as S3). A consumer of valid files always gets one batch at
    /// a time.
    public var batchesInFlight = 2 {
        didSet { batchesInFlight = max(1, batchesInFlight) }
    }

    /// Default options.
    public init() {}

    /// Most workers (and transfers in flight) a run uses.
    public static let maximumWorkers = 256

    /// Workers that read digests: `workers`, at most `maximumDigestWorkers`. Each holds a whole
    /// digest while it parses it (a busy hour's lists 100 KB and more), and a run has about a
    /// thousand times fewer digests than log files, so more transfers would cost memory, not time.
    public var digestWorkers: Int { min(workers, Self.maximumDigestWorkers) }

    /// Most workers that read digests at once: 32 hold about 5 MB of digests of 400 log files
    /// each, where 128 held 22 MB (bench/RESULTS.md, issue 21).
    public static let maximumDigestWorkers = 32

    /// A log file delivered at t is listed by the digest ending within the hour after t, and
    /// CloudTrail delivers that digest within about an hour of its end: past 2 h, a log file that
    /// no digest lists is no longer waiting for one.
    public static let digestDeliveryDeadline: Int64 = 2 * 3600

    /// One worker per online core.
    public static var defaultWorkers: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Workers, and so transfers in flight, over S3 when none are asked for: a log file is a few
    /// KB, so a transfer spends nearly all its time waiting on the round trip, and the transfers
    /// in flight, not the cores, set the pace (see bench/RESULTS.md, issue 21).
    public static let defaultS3Transfers = 128
}
