import TrailproofKit

/// What trail to generate. Every switch that makes a finding has a field here or in `Tampering`.
public struct TrailSpec: Sendable {
    /// Seed for every random choice (times, names, events).
    public var seed: UInt64 = 1
    /// The bucket the digests name.
    public var bucket = "trailproof-example-bucket"
    /// Key prefix before AWSLogs/ ("" for none).
    public var keyPrefix = ""
    /// Organization id for an organization trail (`o-…`), or nil.
    public var organizationID: String?
    /// Accounts whose objects are generated (member accounts for an organization trail).
    public var accounts = ["111122223333"]
    /// Regions; each has its own signing key pair.
    public var regions = ["us-east-1"]
    /// The trail's name (may contain `_`, `-`, `.`).
    public var trailName = "management-events"
    /// The trail's home region; defaults to the first region.
    public var homeRegion: String?
    /// When the first digest starts; a realistic non-round time by default.
    public var start = UTCTime(year: 2026, month: 1, day: 8, hour: 4, minute: 21, second: 42)!
    /// Number of hourly digests per chain.
    public var hours = 24
    /// Log files delivered per hour per account and region.
    public var logFilesPerHour: ClosedRange<Int> = 1...4
    /// Events per log file.
    public var eventsPerLogFile: ClosedRange<Int> = 3...30
    /// Write `<key>.metadata.json` beside each digest.
    public var metadataSidecars = SidecarPolicy.all
    /// Also set `user.signature` extended attributes on digests.
    public var extendedAttributes = false
    /// Rotate the signing key of every region before this hour (0-based digest index), if set.
    public var rotateKeyAtHour: Int?
    /// Stop logging after digest `afterHour` for `hours` hours; the chain then restarts.
    public var stopLogging: (afterHour: Int, hours: Int)?
    /// Add a backfill chain listing late-delivered log files.
    public var backfill = false
    /// Digest indices (of the first account and region) signed by a key missing from the key file.
    public var unknownKeyDigests: Set<Int> = []
    /// gzip level for log files (1 fast … 9 small).
    public var compressionLevel: Int32 = 6

    /// Which digests get a metadata sidecar.
    public enum SidecarPolicy: String, Sendable, CaseIterable {
        /// Every digest, as `aws s3api head-object` saved for each.
        case all
        /// None, as after `aws s3 sync`.
        case none
        /// Only each chain's newest digest.
        case newest
    }

    /// Default spec: one account, one region, one day.
    public init() {}

    var effectiveHomeRegion: String { homeRegion ?? regions.first ?? "us-east-1" }
}
