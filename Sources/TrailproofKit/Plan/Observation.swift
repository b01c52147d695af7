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
