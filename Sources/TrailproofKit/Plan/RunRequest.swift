/// What a run was asked to verify, as plain data: the CLI fills it from its flags and hands it
/// to `RunPlan.resolve`, which decides everything the run trusts and reads.
public struct RunRequest: Sendable {
    /// Where the trail's objects are.
    public enum Source: Sendable {
        /// A bucket read in place: `s3://BUCKET[/PREFIX]`.
        case s3(bucket: String, prefix: String)
        /// A local copy of a trail bucket (a directory laid out like the bucket, or an archive).
        case directory(path: String)
        /// A store a library user opened; `isLive` when its time is the run's own (a bucket read in place).
        case store(any ObjectStore, isLive: Bool)
    }

    /// Where the trail's objects are.
    public var source: Source
    /// Public key files given by the user (list-public-keys JSON).
    public var publicKeyFiles: [String] = []
    /// True when the user asked to trust the keys saved inside the archive being verified.
    public var keysFromArchive = false
    /// Keys a library user holds in-process, with where they came from (instead of key files).
    public var keyRing: (ring: PublicKeyRing, sources: [PublicKeySource])?
    /// The bucket the source is a copy of, as the user gave it.
    public var bucket: String?
    /// Signatures of chains' newest digests (hex), as the user gave them.
    public var headSignatures: [String] = []
    /// Only digests ending at or after this time.
    public var start: UTCTime?
    /// Only digests ending at or before this time plus one hour.
    public var end: UTCTime?
    /// One trail (DescribeTrails' answer for an ARN), or nil for every chain found.
    public var trailSelection: TrailSelection?
    /// The state of earlier runs (heads and day fingerprints), or nil for a run without one.
    public var state: TrailState?
    /// With `state`: also compare the verified past with its day fingerprints and verify again
    /// the days that changed.
    public var recheck = false
    /// The part of a sharded run this run verifies.
    public var shard: Shard?
    /// The id of the run this one is part of.
    public var runID: String?
    /// The reference time chosen when the run was planned (the same for every shard), for S3.
    public var referenceTime: UTCTime?
    /// When the run started (the live clock of a run over S3).
    public var startedAt: UTCTime
    /// Policy and tuning: what counts as a problem, what is listed, how much runs at once.
    public var policy: VerificationOptions
    /// How the caller names its inputs, for the sentences the run writes (the library's plain
    /// words unless given; the command line gives its flags).
    public var inputNames: InputNames = .plain

    /// A request for `source` with default policy, started now.
    public init(source: Source, policy: VerificationOptions = VerificationOptions(), startedAt: UTCTime = .now) {
        self.source = source
        self.policy = policy
        self.startedAt = startedAt
    }

    /// True when the source is read in place over S3 (its time is the run's own).
    public var isLive: Bool {
        switch source {
        case .s3: return true
        case .directory: return false
        case .store(_, let isLive): return isLive
        }
    }
}
