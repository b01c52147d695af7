/// How the caller names a run's inputs, for the sentences the library writes about them (notices,
/// fixes, usage errors). The library names no flag: its default, `plain`, says what each input
/// is in words; the command line gives its flag names (`InputNames.commandLine` in the CLI).
public struct InputNames: Sendable, Hashable {
    /// The bucket a copy is of.
    public var bucket: String
    /// The start of the window.
    public var start: String
    /// The end of the window.
    public var end: String
    /// The signature of a chain's newest digest given by the caller.
    public var headSignature: String
    /// The public key files.
    public var publicKeys: String
    /// The choice to allow gaps.
    public var allowGaps: String
    /// How the JSON report is asked for, as it appears in a sentence (with its quotes, if any).
    public var reportJSON: String
    /// The AWS region.
    public var region: String
    /// A Lake query's id.
    public var queryID: String
    /// The shard of a sharded run.
    public var shard: String
    /// The id of a sharded run.
    public var runID: String
    /// The reference time of a sharded run.
    public var referenceTime: String
    /// The recheck of the state's verified past.
    public var recheck: String

    /// Each input named by the words given.
    public init(bucket: String, start: String, end: String, headSignature: String, publicKeys: String, allowGaps: String,
                reportJSON: String, region: String, queryID: String, shard: String, runID: String, referenceTime: String,
                recheck: String) {
        self.bucket = bucket
        self.start = start
        self.end = end
        self.headSignature = headSignature
        self.publicKeys = publicKeys
        self.allowGaps = allowGaps
        self.reportJSON = reportJSON
        self.region = region
        self.queryID = queryID
        self.shard = shard
        self.runID = runID
        self.referenceTime = referenceTime
        self.recheck = recheck
    }

    /// The library's own words: what each input is, with no program's syntax (no article, as a
    /// flag would stand: "give start time", "no matching head signature").
    public static let plain = InputNames(
        bucket: "bucket", start: "start time", end: "end time", headSignature: "head signature",
        publicKeys: "public keys", allowGaps: "gaps allowed", reportJSON: "the JSON report", region: "region",
        queryID: "query id", shard: "shard", runID: "run id", referenceTime: "reference time",
        recheck: "recheck")
}
