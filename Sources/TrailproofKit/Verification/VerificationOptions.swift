#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What to verify and how.
public struct VerificationOptions: Sendable {
    /// The bucket the store is a copy of; nil assumes each chain's newest digest's digestS3Bucket.
    public var bucket: String?
    /// True when `bucket` was taken from an archive's manifest (said in the report).
    public var bucketFromManifest = false
    /// Signatures for chains' newest digests (hex), when no metadata is at hand.
    public var headSignatures: [String] = []
    /// Only digests ending at or after this time.
    public var start: UTCTime?
    /// Only digests ending at or before this time plus one hour.
    public var end: UTCTime?
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
    /// When the source was observed: the run's own time for S3, the stated creation time of an
    /// archive. Decides which log files may still be waiting for their digest.
    public var observedAt: Observation?
    /// What an archive's manifest claims about it (unproven: checked against what it holds).
    public var archiveClaim: ArchiveClaim?
    /// The newest digest each chain was verified through by an earlier run (`--state`), by chain id:
    /// only what came after is verified, and the first new digest must link to it.
    public var verifiedHeads: [ObjectKey: TrailState.Head] = [:]
    /// One trail to verify (from --trail-arn); nil verifies every chain found.
    public var trailSelection: TrailSelection?
    /// Where the public keys came from, for the report.
    public var publicKeySources: [PublicKeySource] = []
    /// The endpoints and identity of a run over S3, for the report.
    public var authorities: RunAuthorities?
    /// Findings established before the run (an archive's unreadable manifest, say), reported with its own.
    public var priorFindings: [ObjectRecord] = []
    /// Slack around the newest and oldest digests when deciding whether an unlisted log file
    /// could have been covered (log names carry the delivery minute, not the second).
    public var deliveryTolerance: Int64 = 300

    /// The part of a sharded run this one verifies (see `Shard`); nil verifies everything.
    /// A sharded run needs `runID`.
    public var shard: Shard?

    /// The id of the run this one is part of (see `ShardRun`), recorded in the report's scope:
    /// `trailproof merge` merges only shards of one run id.
    public var runID: String?

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

    /// A log file delivered at t is listed by the digest ending within the hour after t, and
    /// CloudTrail delivers that digest within about an hour of its end: past 2 h, a log file that
    /// no digest lists is no longer waiting for one.
    public static let digestDeliveryDeadline: Int64 = 2 * 3600

    /// One worker per online core.
    public static var defaultWorkers: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The digest end times in scope: [start, end + 1 h], as the AWS CLI does.
    public var digestEndTimeWindow: (lower: UTCTime?, upper: UTCTime?) { (start, end?.adding(seconds: 3600)) }

    /// True when a digest of `chain` ending at `time` is in scope: in the window and after the
    /// chain's verified head.
    func includesDigest(endingAt time: UTCTime, chain: ChainID) -> Bool {
        if let head = verifiedHeads[ObjectKey(chainLabel(chain))], time <= head.endTime { return false }
        return includesDigest(endingAt: time)
    }

    /// True when an unlisted log file delivered at `time` is in scope: its digest would end in the window.
    public func includesLogFile(deliveredAt time: UTCTime) -> Bool {
        if let start, time < start.adding(seconds: -3600) { return false }
        if let upper = digestEndTimeWindow.upper, time > upper { return false }
        return true
    }

    /// True when a digest ending at `time` is in scope.
    public func includesDigest(endingAt time: UTCTime) -> Bool {
        if let start, time < start { return false }
        if let upper = digestEndTimeWindow.upper, time > upper { return false }
        return true
    }
}

/// When a source was looked at, and whether that time is the run's own (live) or a claim.
public struct Observation: Sendable {
    /// The time.
    public var time: UTCTime
    /// True for the run's own clock (a live S3 source); false for a time stated by an archive.
    public var isLive: Bool
    /// True when the time was chosen when the run was planned (`--reference-time`, the same for
    /// every shard of a sharded run): it is then the reference time whatever the listing holds,
    /// so shards that list the source at different moments judge it as of the same time.
    public var isPlanned: Bool

    /// Creates an observation.
    public init(time: UTCTime, isLive: Bool, isPlanned: Bool = false) {
        self.time = time
        self.isLive = isLive
        self.isPlanned = isPlanned
    }
}

/// What an archive's manifest says about the archive. Never trusted: it only adds findings
/// where the archive does not match it, and excuses no link but the one at its stated start.
public struct ArchiveClaim: Sendable {
    /// The manifest's own key, for findings.
    public var key: String
    /// The bucket it says was copied.
    public var bucket: String
    /// The key prefix it says was copied.
    public var prefix: String
    /// The window it says was copied.
    public var start: UTCTime?
    /// See `start`.
    public var end: UTCTime?
    /// When it says the copy was made.
    public var createdAt: UTCTime
    /// False when it says the copy stopped before it was finished.
    public var isComplete: Bool

    /// Creates a claim from a manifest.
    public init(key: String, manifest: ArchiveManifest) {
        self.key = key
        bucket = manifest.bucket
        prefix = manifest.prefix
        start = manifest.start
        end = manifest.end
        createdAt = manifest.createdAt
        isComplete = manifest.complete ?? true
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

/// A run's progress, added up from what its batches report, one or more of them at a time.
final class RunProgress: Sendable {
    private struct Counts {
        var digests = 0
        var logFiles = 0
        var bytes: Int64 = 0
    }

    private let progress: @Sendable (VerificationProgress) -> Void
    private let totals: (digests: Int, logFiles: Int)
    private let counts = Mutex<(finished: Counts, running: [Int: Counts])>((Counts(), [:]))

    init(_ progress: @escaping @Sendable (VerificationProgress) -> Void, totals: (digests: Int, logFiles: Int)) {
        self.progress = progress
        self.totals = totals
    }

    /// The progress callback for batch `batch`, which reports its own work (from zero).
    func reporter(for batch: Int) -> @Sendable (VerificationProgress) -> Void {
        { [self] event in
            switch event {
            case .listing:
                progress(.listing)
            case .digests(let done, _):
                let sum = update(batch) { $0.digests = done }
                progress(.digests(done: sum.digests, total: max(totals.digests, sum.digests)))
            case .logFiles(let done, _, let bytes):
                let sum = update(batch) { ($0.logFiles, $0.bytes) = (done, bytes) }
                progress(.logFiles(done: sum.logFiles, total: max(totals.logFiles, sum.logFiles), bytes: sum.bytes))
            }
        }
    }

    /// Updates what `batch` reports; returns the run's counts so far.
    private func update(_ batch: Int, _ change: (inout Counts) -> Void) -> Counts {
        counts.withLock { state in
            change(&state.running[batch, default: Counts()])
            return state.running.values.reduce(state.finished) { sum, batch in
                Counts(digests: sum.digests + batch.digests, logFiles: sum.logFiles + batch.logFiles, bytes: sum.bytes + batch.bytes)
            }
        }
    }

    /// Batch `batch` is done, with these totals.
    func finish(_ batch: Int, digests: Int, logFiles: Int, bytes: Int64) {
        counts.withLock { state in
            state.running[batch] = nil
            state.finished.digests += digests
            state.finished.logFiles += logFiles
            state.finished.bytes += bytes
        }
    }
}

/// Why a run could not verify anything (operational errors, exit status 2).
public enum VerifierError: Error, Sendable, CustomStringConvertible {
    /// The store holds no digest file at all.
    case noDigests(source: String, objects: Int)
    /// A sharded run was asked of an archive whose manifest's claim needs every chain at once.
    case shardedArchiveClaim
    /// A sharded run was asked without a run id.
    case shardWithoutRunID

    public var description: String {
        switch self {
        case .noDigests(let source, let objects):
            return "no CloudTrail digest files under \(source) (\(objects) objects looked at): expected [prefix/]AWSLogs/[o-id/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/…json.gz; is this the bucket's root, and was log file validation on?"
        case .shardedArchiveClaim:
            return "--shard: this archive's manifest makes claims about every chain at once; verify it whole"
        case .shardWithoutRunID:
            return ShardError.noRunID.description
        }
    }
}
