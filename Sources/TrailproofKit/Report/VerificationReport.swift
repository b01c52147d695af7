/// Everything one verification run established; the source of every output format.
///
/// Encoded as JSON it is the stable machine report (see docs/json-report.md); fields are only
/// ever added within a schema version.
public struct VerificationReport: Sendable, Codable {
    /// Version of the JSON layout.
    public static let currentSchemaVersion = 2

    /// See `currentSchemaVersion`.
    public var schemaVersion: Int = VerificationReport.currentSchemaVersion
    /// The tool and version that wrote the report.
    public var tool: ToolInfo
    /// What was asked for.
    public var scope: Scope
    /// Every chain found, sorted.
    public var chains: [ChainSummary]
    /// Every digest in scope (and every missing one), by chain then time.
    public var digests: [DigestRecord]
    /// Every log file with a verdict, by key.
    public var logFiles: [LogFileRecord]
    /// Spans with no integrity coverage.
    public var gaps: [GapRecord]
    /// Findings about other objects: unexpected files in trail folders, archive manifest mismatches.
    public var objects: [ObjectRecord]
    /// Things a reader should know that are not findings (assumptions, skipped links, ...), once
    /// each, in the report's order (written as their sentences: `noticeTexts`).
    public var notices: [Notice]
    /// Counts.
    public var totals: Totals
    /// For one shard of a sharded run (`--shard K/N`): which part it verified; absent otherwise
    /// (and in the merged report).
    public var shard: ShardRecord? = nil
    /// The verdict sentence's classes and the one set of counts every format shows, as the JSON
    /// and NDJSON reports write them (`Verdict(report)`, made from the records above when written;
    /// absent in a report being assembled, and recomputed, never trusted, when a report is read).
    public var verdict: Verdict? = nil
    /// How the sentences of this report name the run's inputs (notices, fixes, the window):
    /// the library's plain words unless the caller gives its own. Not part of the JSON.
    public var inputNames: InputNames = .plain
    /// Of the log files counted outside the requested window (`Totals.logFilesOutOfScope`), the
    /// ones before their location's head in the state, by delivery minute: a recheck that verifies
    /// their day again checks them (`adding(recheck:days:)`). Not part of the JSON.
    var logFilesOutOfScopeBeforeHeads: [UTCTime: Int] = [:]

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, tool, scope, chains, digests, logFiles, gaps, objects, notices, totals, shard, verdict
    }

    /// The tool that wrote a report.
    public struct ToolInfo: Sendable, Codable {
        /// "trailproof".
        public var name: String
        /// Its version.
        public var version: String
    }

    /// The requested scope.
    public struct Scope: Sendable, Codable {
        /// The archive root or bucket URL.
        public var source: String
        /// The bucket the archive is taken to be a copy of; nil when each chain's own was assumed.
        public var bucket: String?
        /// True when the bucket came from the digests rather than from --bucket.
        public var bucketAssumed: Bool
        /// --start, if given.
        public var start: UTCTime?
        /// --end, if given.
        public var end: UTCTime?
        /// The digest end times considered: [start, end + 1 h].
        public var digestEndTimeWindow: TimeSpan?
        /// Fingerprints of the public keys available.
        public var publicKeyFingerprints: [String]
        /// Where the public keys came from, one line per source (file and its SHA-256, the
        /// ListPublicKeys calls, or the archive itself).
        public var publicKeySources: [String]
        /// True when the keys came from inside the evidence (an archive's own key file): whoever
        /// could alter the archive could have replaced them.
        public var publicKeysFromEvidence: Bool
        /// The time log files were judged against (waiting for their digest, or overdue).
        public var referenceTime: UTCTime?
        /// The run id (`--run-id`): every shard of one sharded run has the same, and `merge`
        /// refuses shards of different ones. Absent when none was given.
        public var runID: String?
        /// The trail verified, when the run was given --trail-arn (other trails were ignored).
        public var trailARN: String?
        /// Whether gaps were allowed (counted as notices) for the exit status.
        public var gapsAllowed: Bool
        /// Whether `logFiles` lists the valid log files too (`--list-valid`); when false it holds
        /// the other verdicts only, and valid log files are counted in the totals.
        public var listsValidLogFiles: Bool = true
        /// Whether `digests` lists the valid digests too (`--list-valid`, or an HTML, JUnit or
        /// Markdown report); when false it holds the other verdicts only.
        public var listsValidDigests: Bool = true
        /// For a run over S3: the endpoints that answered, whether any is an override, and the
        /// identity that signed (GetCallerIdentity) with its credential source. Absent for a directory.
        public var authorities: RunAuthorities? = nil
    }

    /// Counts of everything in the report.
    public struct Totals: Sendable, Codable {
        /// Chains found.
        public var chains = 0
        /// Digest records (in scope, plus missing ones).
        public var digests = 0
        /// Digest records with verdict valid.
        public var digestsValid = 0
        /// Digest records per verdict.
        public var digestsByVerdict: [String: Int] = [:]
        /// Digests per source of the signature they were checked against (every digest, listed
        /// or only counted); absent in reports written before it was added.
        public var signatureSources: [String: Int]? = nil
        /// Log files listed by digests in scope.
        public var logFiles = 0
        /// Listed log files with verdict valid.
        public var logFilesValid = 0
        /// Log file records per verdict, including unreferenced and notices.
        public var logFilesByVerdict: [String: Int] = [:]
        /// Uncompressed bytes hashed.
        public var logFileBytesHashed: Int64 = 0
        /// Hours without a digest in all missing records (a record can span many hours).
        public var missingDigestHours = 0
        /// Unlisted log files outside the requested window, counted and not checked.
        public var logFilesOutOfScope = 0
        /// Object records (every one a finding).
        public var objectFindings = 0
        /// Gap records.
        public var gaps = 0
        /// Integrity findings counted for the exit status.
        public var findings = 0
        /// The span from the oldest to the newest verified digest, if any.
        public var coveredSpan: TimeSpan?
        /// 0 verified, 1 integrity problem found.
        public var exitStatus = 0
    }
}

/// One chain and what part of time it proves.
public struct ChainSummary: Sendable, Codable {
    /// Stable identifier used by digest and gap records.
    public var id: String
    /// The chain's identity fields.
    public var chain: ChainID
    /// The bucket the chain's digests name (or --bucket).
    public var bucket: String
    /// Digests in scope.
    public var digests: Int
    /// Valid digests in scope.
    public var validDigests: Int
    /// Newest digest key in scope.
    public var newestDigest: String?
    /// Oldest digest key in scope.
    public var oldestDigest: String?
    /// Verified spans, merged, oldest first.
    public var coverage: [TimeSpan]
    /// With a state: the end of the head an earlier run verified the chain through (only what
    /// came after it is in scope).
    public var verifiedThroughHead: UTCTime? = nil
    /// With `--recheck`: how many of `digests` were verified again because their day folder changed.
    public var recheckedDigests: Int? = nil
}

/// The verdict on one digest.
public struct DigestRecord: Sendable, Codable {
    /// The object key (where the file was found, or where a link expected it); nil for an
    /// inferred missing digest whose key cannot be known.
    public var key: String?
    /// The bucket.
    public var bucket: String?
    /// The chain id (see `ChainSummary.id`).
    public var chain: String
    /// The span the digest covers (estimated for missing digests).
    public var span: TimeSpan?
    /// The verdict.
    public var verdict: DigestVerdict
    /// Every problem found, most basic first; empty when valid.
    public var problems: [Problem]
    /// Where the checked signature came from.
    public var signatureSource: SignatureSource?
    /// digestPublicKeyFingerprint.
    public var publicKeyFingerprint: String?
    /// Number of log files listed.
    public var logFileCount: Int
    /// For a moved digest: the key it names.
    public var namedKey: String?
    /// For a missing digest: the digest whose link names it.
    public var referencedBy: String?
    /// True for a missing digest inferred from an hour with no digest (its key is unknown).
    public var inferred: Bool
    /// For an inferred record: how many hourly digests its span is missing (absent means 1).
    public var hours: Int? = nil
    /// For an inferred record: the object key its digests would have, as a pattern (`*` for
    /// the characters of the end time that no surviving digest gives; see `ExpectedDigestName`).
    public var expectedKey: String? = nil

    /// One problem with a digest.
    public struct Problem: Sendable, Codable {
        /// The kind of problem.
        public var kind: DigestVerdict
        /// A sentence naming what differs.
        public var detail: String
    }
}

/// The verdict on one log file.
public struct LogFileRecord: Sendable, Codable {
    /// The object key.
    public var key: String
    /// The bucket.
    public var bucket: String
    /// The digest that lists it (nil for unreferenced files).
    public var digest: String?
    /// The verdict.
    public var verdict: LogFileVerdict
    /// Why, for every verdict but valid.
    public var detail: String?
    /// hashValue from the digest.
    public var expectedSHA256: String?
    /// SHA-256 of the uncompressed bytes, when they could be read.
    public var actualSHA256: String?
    /// Uncompressed size, when read.
    public var uncompressedBytes: Int64?
    /// Delivery time from the key name, or the listing digest's span.
    public var time: UTCTime?
}

/// A span of time with no integrity coverage.
public struct GapRecord: Sendable, Codable {
    /// The chain (for restarts) or trail (for edges) concerned.
    public var chain: String
    /// What kind of gap.
    public var kind: GapKind
    /// The uncovered span.
    public var span: TimeSpan
    /// A sentence describing it.
    public var detail: String
    /// The last digest before the gap, if any.
    public var digestBefore: String?
    /// The first digest after the gap, if any.
    public var digestAfter: String?
}
