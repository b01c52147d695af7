/// What a plan decided a run covers and believes, besides the keys: the window, the bucket and
/// where it came from, the reference time, an archive's claim, the heads of earlier runs, the
/// trail and the part of a sharded run. The engine reads it; only `RunPlan.resolve` fills it.
public struct RunScope: Sendable {
    /// Only digests ending at or after this time.
    public var start: UTCTime?
    /// Only digests ending at or before this time plus one hour.
    public var end: UTCTime?
    /// The bucket the source is (a copy of), and who said so; nil assumes each chain's newest
    /// digest's digestS3Bucket.
    public var bucket: PlannedBucket?
    /// Signatures for chains' newest digests (hex), when no metadata is at hand.
    public var headSignatures: [String] = []
    /// When the source was observed: the run's own time for S3, a planned reference time, the
    /// stated creation time of an archive. Decides which log files may still be waiting for their digest.
    public var observedAt: Observation?
    /// What an archive's manifest claims about it (unproven: checked against what it holds).
    public var archiveClaim: ArchiveClaim?
    /// The newest digest each chain was verified through by an earlier run, by chain id: only
    /// what came after is verified, and the first new digest must link to it.
    public var verifiedHeads: [ObjectKey: TrailState.Head] = [:]
    /// For a recheck: the heads of the state whose verified past it verifies again. Only that
    /// past is in scope: a digest ending at or before its chain's head, a log file before its
    /// location's head (less the delivery tolerance); the rest is the run's own, and so is what
    /// chains and locations with no head hold from the day the run's listing starts at
    /// (`pastFloor`): before it, the run cannot see them, and the recheck verifies them.
    public var pastThrough: [ObjectKey: TrailState.Head] = [:]
    /// For a recheck: the day the run's own listing starts at (see `pastThrough`).
    public var pastFloor: UTCTime?
    /// One trail to verify; nil verifies every chain found.
    public var trailSelection: TrailSelection?
    /// The part of a sharded run this one verifies; nil verifies everything.
    public var shard: Shard?
    /// The id of the run this one is part of, recorded in the report.
    public var runID: String?
    /// Findings established while planning (an archive's unreadable manifest, say), reported with the run's own.
    public var priorFindings: [ObjectRecord] = []
    /// Whether coverage must reach the window's edges (false when the window is the plan's own,
    /// e.g. the days a recheck verifies again, not one the user asked for).
    public var checksWindowEdges = true

    /// An unbounded scope: everything in the source, no bucket, no claim.
    public init() {}

    /// How long after the window's end a digest may end and be in scope: an hour, as the AWS CLI
    /// takes, and the few minutes an hourly digest's end drifts (`ExpectedDigestName.drift`).
    /// Digests end a little more than an hour apart (seconds each hour), so the one that covers
    /// the end may end just over an hour after it: outside an hour's reach, the chain's verified
    /// coverage would stop short of the end, an uncovered end on an untouched trail.
    public static let digestReachAfterEnd: Int64 = 3600 + ExpectedDigestName.drift

    /// The digest end times in scope: [start, end + `digestReachAfterEnd`].
    public var digestEndTimeWindow: (lower: UTCTime?, upper: UTCTime?) { (start, end?.adding(seconds: Self.digestReachAfterEnd)) }

    /// True when a digest of `chain` ending at `time` is in scope: in the window and after the
    /// chain's verified head (for a recheck: at or before it).
    func includesDigest(endingAt time: UTCTime, chain: ChainID) -> Bool {
        let label = ObjectKey(chainLabel(chain))
        if let head = verifiedHeads[label], time <= head.endTime { return false }
        if !pastThrough.isEmpty {
            if let head = pastThrough[label] {
                guard time <= head.endTime else { return false }
            } else if !isBeforePastFloor(time) {
                return false
            }
        }
        return includesDigest(endingAt: time)
    }

    /// True when `time`'s date folder precedes the one the run's own listing starts at (a
    /// recheck's `pastFloor`; false without one: the run lists everything).
    func isBeforePastFloor(_ time: UTCTime) -> Bool {
        pastFloor.map { time.keyDatePath.bytesPrecede($0.keyDatePath) } ?? false
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

/// The bucket a run takes its source to be, and who said so (the report names it).
public struct PlannedBucket: Sendable, Equatable {
    /// Who named the bucket.
    public enum Origin: String, Sendable {
        /// The user, in the request.
        case given
        /// DescribeTrails, for the selected trail.
        case trail
        /// The source itself: the bucket read in place.
        case source
        /// An archive's manifest: a claim, not proof (a digest naming another bucket is reported as moved).
        case manifest
    }

    /// The bucket's name.
    public var name: String
    /// Who named it.
    public var origin: Origin

    /// Creates a planned bucket.
    public init(name: String, origin: Origin) {
        self.name = name
        self.origin = origin
    }
}
