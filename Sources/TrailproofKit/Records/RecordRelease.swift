import TrailproofNative

/// Hands the records of verified log files onward, from verification's own read (a
/// `VerifiedLogFileConsumer`): only a log file whose SHA-256 has matched its authentic digest's
/// entry in full reaches it. Each record goes out as its exact bytes in the log file (no
/// re-serialization, key order kept) with, unless turned off, one added last member
/// `"trailproof": {…}` saying where it was proven. Order: chain, then log file time, then
/// position in the file, whatever the concurrency.
///
/// Pass it to `TrailVerifier.runWithHeads(consumer:)`, then call `finish(report:)`.
public final class RecordRelease: VerifiedLogFileConsumer, @unchecked Sendable {
    /// What to release and how.
    public struct Options: Sendable {
        /// Add the `"trailproof"` provenance member.
        public var provenance = true
        /// `--match` filters.
        public var filter = RecordFilter()
        /// Records whose eventID was seen within this many seconds of eventTime are duplicates.
        public var dedupeWindow: Int64 = 24 * 3600
        /// Largest log file (uncompressed bytes) whose records are released; a larger valid one is
        /// withheld and counted (CloudTrail's own files are far smaller).
        public var logFileSizeLimit = 256 << 20
        /// Hashes of eventIDs released by earlier runs (hex FNV-1a), with their eventTime (from a state file).
        public var recentEventIDs: [String: Int64] = [:]
        /// Per chain id, the digest end through which earlier runs released every log file.
        public var releasedThrough: [ObjectKey: UTCTime] = [:]
        /// Per chain id, log files earlier runs released past `releasedThrough`.
        public var releasedPastMark: [ObjectKey: [TrailState.ReleasedFile]] = [:]

        /// Defaults: provenance on, no filter, 24 h dedupe window.
        public init() {}
    }

    /// What a release did.
    public struct Summary: Sendable, Codable, Equatable {
        /// Records handed to the sink.
        public var released = 0
        /// Log files whose records were released.
        public var logFilesReleased = 0
        /// Records dropped as duplicates (eventID seen within the window).
        public var duplicates = 0
        /// Records that did not pass --match.
        public var filteredOut = 0
        /// Log files withheld, by verdict (every verdict but valid).
        public var withheldLogFilesByVerdict: [String: Int] = [:]
        /// Valid log files whose records could not be released (not CloudTrail's `Records` shape,
        /// or larger than `Options.logFileSizeLimit`): withheld, each with its reason.
        public var unreleasable: [Unreleasable] = []
        /// `Options.releasedThrough` moved on by this run to the chains' heads, for the next one
        /// (see `finish(report:heads:)`).
        public var releasedThrough: [ObjectKey: UTCTime] = [:]
        /// `Options.releasedPastMark` with this run's releases past `releasedThrough`, for the next one.
        public var releasedPastMark: [ObjectKey: [TrailState.ReleasedFile]] = [:]
    }

    /// A valid log file whose records were withheld anyway.
    public struct Unreleasable: Sendable, Codable, Equatable {
        /// Its key.
        public var key: String
        /// Why.
        public var reason: String
    }

    private let options: Options
    private let sink: RecordSink
    private let verifiedAt: String
    private let filterNames: Set<String>
    // Touched only by `deliver` (one call at a time, in order) and `finish`.
    private var summary = Summary()
    private var dedupe: DedupeWindow
    /// Log files released past each chain's mark, earlier runs' and this one's.
    private var releasedPastMark: [ObjectKey: Set<TrailState.ReleasedFile>]
    /// Earlier runs' part of it (read by `wants`, on any thread).
    private let earlierPastMark: [ObjectKey: Set<TrailState.ReleasedFile>]

    /// Releases into `sink`; `verifiedAt` is the verification time written in the provenance.
    public init(options: Options, sink: RecordSink, verifiedAt: UTCTime) {
        self.options = options
        self.sink = sink
        self.verifiedAt = verifiedAt.iso8601
        filterNames = options.filter.topLevelNames
        dedupe = DedupeWindow(seconds: options.dedupeWindow, seen: options.recentEventIDs)
        earlierPastMark = options.releasedPastMark.mapValues { Set($0) }
        releasedPastMark = earlierPastMark
        summary.releasedThrough = options.releasedThrough
    }

    public var byteLimit: Int { options.logFileSizeLimit }

    /// Not the files whose records an earlier run released already (their digests are verified
    /// again, their records not re-sent): those of digests through the chain's mark, and those
    /// released past it.
    public func wants(_ file: VerifiedLogFile) -> Bool {
        if let through = options.releasedThrough[ObjectKey(file.chain)], file.digestEnd <= through { return false }
        guard let past = earlierPastMark[ObjectKey(file.chain)] else { return true }
        return !past.contains(TrailState.ReleasedFile(digestEnd: file.digestEnd, sha256: file.sha256))
    }

    /// Finds the records in a valid file's bytes (on a worker thread).
    public func prepare(_ file: VerifiedLogFile, _ content: VerifiedLogFile.Content) -> Result<LogFileRecords, LogFileRecords.Unreadable> {
        switch content {
        case .bytes(let bytes): return LogFileRecords.split(bytes, keeping: filterNames)
        case .tooLarge(let limit): return .failure(.init(reason: "larger than \(limit) uncompressed bytes, the most records are released from"))
        }
    }

    /// Writes a valid file's records to the sink, in order.
    public func deliver(_ file: VerifiedLogFile, _ prepared: Result<LogFileRecords, LogFileRecords.Unreadable>) throws {
        let records: LogFileRecords
        // Taken, whatever becomes of its records: a valid file's bytes are CloudTrail's and
        // signed, so one that cannot be released now never can (it is a finding of this run).
        releasedPastMark[ObjectKey(file.chain), default: []].insert(TrailState.ReleasedFile(digestEnd: file.digestEnd, sha256: file.sha256))
        switch prepared {
        case .failure(let unreadable):
            summary.unreleasable.append(.init(key: file.key, reason: unreadable.reason))
            return
        case .success(let value): records = value
        }
        let source = ReleasedLogFile(key: file.key, bucket: file.bucket, location: LogFileRecords.location(of: file.key), time: file.time,
                                     sha256: file.sha256, digest: "s3://\(file.digestBucket)/\(file.digestKey)")
        let provenance = options.provenance ? Array(RecordRelease.provenance(file, verifiedAt: verifiedAt).utf8)[...] : []
        for record in records.records {
            if !options.filter.isEmpty {
                guard let value = record.fields, options.filter.matches(value) else { summary.filteredOut += 1; continue }
            }
            if let id = record.eventID, dedupe.isDuplicate(hash: id, at: record.eventTime) {
                summary.duplicates += 1
                continue
            }
            try sink.write(ReleasedRecord(bytes: records.bytes[record.range], provenance: provenance), source: source)
            summary.released += 1
        }
        try sink.finishLogFile(source)
        summary.logFilesReleased += 1
    }

    /// Closes the sink (after this, every record written is delivered) and returns the summary,
    /// with the log files `report` withholds counted by verdict, and the marks for the next run.
    ///
    /// A chain's `releasedThrough` moves on only to its head in `heads` (a head never moves past
    /// a digest that failed or lists a log file that is not valid: every log file up to it was
    /// taken), so it never passes a log file whose records were withheld; the files released
    /// beyond it go to `releasedPastMark`, so that verifying the chain again from its head
    /// releases the withheld file once restored, and nothing else again.
    /// - Parameter heads: the chains' heads after this run (`TrailVerifier.runWithHeads`); nil
    ///   keeps the marks where they were (no state is saved).
    /// - Throws: when the sink cannot deliver what it holds.
    public func finish(report: VerificationReport, heads: [ObjectKey: TrailState.Head]? = nil) throws -> Summary {
        try sink.close()
        for record in report.logFiles where record.verdict != .valid {
            summary.withheldLogFilesByVerdict[record.verdict.rawValue, default: 0] += 1
        }
        for (chain, head) in heads ?? [:] {
            summary.releasedThrough[chain] = max(summary.releasedThrough[chain] ?? head.endTime, head.endTime)
        }
        summary.releasedPastMark = [:]
        for (chain, files) in releasedPastMark {
            let through = summary.releasedThrough[chain]
            let past = files.filter { file in through.map { file.digestEnd > $0 } ?? true }.sorted()
            if !past.isEmpty { summary.releasedPastMark[chain] = past }
        }
        return summary
    }

    /// Hashes of the eventIDs inside the dedupe window after this run (hex FNV-1a), for the next
    /// run's `Options.recentEventIDs` (a state file). Call after `finish(report:)`.
    public func recentEventIDs() -> [String: Int64] { dedupe.window }

    /// `"trailproof":{…}`: where a record was proven, with its members in a fixed order.
    static func provenance(_ file: VerifiedLogFile, verifiedAt: String) -> String {
        func quoted(_ text: String?) -> String {
            guard let text else { return "null" }
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += (scalar.value < 0x10 ? "\\u000" : "\\u00") + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        return "\"trailproof\":{\"logFile\":\(quoted("s3://\(file.bucket)/\(file.key)")),\"sha256\":\(quoted(file.sha256)),"
            + "\"digest\":\(quoted("s3://\(file.digestBucket)/\(file.digestKey)")),\"signatureSource\":\(quoted(file.signatureSource?.rawValue)),"
            + "\"publicKeyFingerprint\":\(quoted(file.publicKeyFingerprint)),\"chain\":\(quoted(file.chain)),"
            + "\"verifiedAt\":\(quoted(verifiedAt))}"
    }
}

/// Drops an eventID seen again within a window of eventTime (CloudTrail delivers at least once),
/// forgetting what falls behind the newest eventTime by more than the window. IDs are kept as
/// 64-bit FNV-1a hashes (stable across runs, for the state file): a tenth of the memory of the
/// strings, and a false duplicate only past about four billion IDs in one window.
struct DedupeWindow {
    let seconds: Int64
    private var seen: [UInt64: Int64] = [:]
    private var newest: Int64 = .min
    private var sinceSweep = 0

    /// Starts with `seen`: hex hashes (see `hash(_:)`) and their eventTime, from a state file.
    init(seconds: Int64, seen: [String: Int64] = [:]) {
        self.seconds = seconds
        for (hex, time) in seen { if let hash = UInt64(hex, radix: 16) { self.seen[hash] = time } }
        newest = seen.values.max() ?? .min
    }

    /// The hashes still inside the window (hex), with their eventTime, for the state file.
    var window: [String: Int64] {
        let horizon = newest == .min ? Int64.min : newest - seconds
        var out: [String: Int64] = [:]
        for (hash, time) in seen where time >= horizon { out[String(hash, radix: 16)] = time }
        return out
    }

    /// FNV-1a, 64 bits, over the ID's UTF-8 bytes.
    static func hash(_ utf8: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return value
    }

    /// True when the eventID hashed to `key` (see `hash(_:)`) was seen within the window of
    /// `time`; remembers it otherwise.
    mutating func isDuplicate(hash key: UInt64, at time: UTCTime?) -> Bool {
        let when = time?.secondsSinceEpoch ?? newest
        if let earlier = seen[key], abs(when - earlier) <= seconds { return true }
        seen[key] = when
        newest = max(newest, when)
        sinceSweep += 1
        if sinceSweep >= 100_000 {
            sinceSweep = 0
            let horizon = newest - seconds
            seen = seen.filter { $0.value >= horizon }
        }
        return false
    }
}
