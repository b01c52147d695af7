import TrailproofNative

/// Hands the records of verified log files onward: only a log file whose verdict is `valid` is
/// released, and only after it has been read again in full and its SHA-256 found equal to what
/// its signed digest lists. Each record goes out as its exact bytes in the log file (no
/// re-serialization, key order kept) with, unless turned off, one added last member
/// `"trailproof": {…}` saying where it was proven. Order: chain, then log file time, then
/// position in the file, whatever the concurrency.
public struct RecordRelease: Sendable {
    /// What to release and how.
    public struct Options: Sendable {
        /// Add the `"trailproof"` provenance member.
        public var provenance = true
        /// `--match` filters.
        public var filter = RecordFilter()
        /// Records whose eventID was seen within this many seconds of eventTime are duplicates.
        public var dedupeWindow: Int64 = 24 * 3600
        /// Log files read at once.
        public var workers = VerificationOptions.defaultWorkers
        /// Hashes of eventIDs released by earlier runs (hex FNV-1a), with their eventTime (from a state file).
        public var recentEventIDs: [String: Int64] = [:]
        /// Per chain id, the newest digest end whose log files earlier runs released.
        public var releasedThrough: [String: UTCTime] = [:]

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
        /// Valid log files that no longer hashed as their digest lists when read again (withheld).
        public var changedSinceVerification = 0
        /// Hashes of the eventIDs inside the dedupe window after this run (hex FNV-1a), for the next one.
        public var recentEventIDs: [String: Int64] = [:]
        /// `Options.releasedThrough` moved on by this run, for the next one.
        public var releasedThrough: [String: UTCTime] = [:]
    }

    let store: ObjectStore
    let report: VerificationReport
    let options: Options

    /// Releases the records of `report`'s valid log files from `store`.
    public init(store: ObjectStore, report: VerificationReport, options: Options) {
        self.store = store
        self.report = report
        self.options = options
    }

    /// Reads, re-checks and releases every valid log file's records into `sink`, in order.
    /// - Parameter verifiedAt: the verification time written in the provenance.
    /// - Throws: when the store cannot deliver a file at all, or the sink fails (nothing past the
    ///   failure counts as delivered).
    public func run(into sink: RecordSink, verifiedAt: UTCTime) throws -> Summary {
        var summary = Summary()
        for record in report.logFiles where record.verdict != .valid {
            summary.withheldLogFilesByVerdict[record.verdict.rawValue, default: 0] += 1
        }
        let digestsByKey = Dictionary(report.digests.compactMap { record in record.key.map { ($0, record) } },
                                      uniquingKeysWith: { first, _ in first })
        let chainOrder = Dictionary(report.chains.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        struct Pending: Sendable {
            let log: LogFileRecord
            let digest: DigestRecord?
            let chainRank: Int
        }
        summary.releasedThrough = options.releasedThrough
        let pending = report.logFiles.filter { $0.verdict == .valid }.compactMap { log -> Pending? in
            let digest = log.digest.flatMap { digestsByKey[$0] }
            // Released by an earlier run already (its digest was re-verified, not its records re-sent).
            if let digest, let end = digest.span?.end, let through = options.releasedThrough[digest.chain], end <= through { return nil }
            return Pending(log: log, digest: digest, chainRank: digest.flatMap { chainOrder[$0.chain] } ?? Int.max)
        }.sorted {
            ($0.chainRank, $0.log.time ?? UTCTime(secondsSinceEpoch: 0), $0.log.key)
                < ($1.chainRank, $1.log.time ?? UTCTime(secondsSinceEpoch: 0), $1.log.key)
        }
        var dedupe = DedupeWindow(seconds: options.dedupeWindow, seen: options.recentEventIDs)
        let store = self.store, filterNames = options.filter.topLevelNames
        let verifiedText = verifiedAt.iso8601
        var start = 0
        // A few files at a time, in order: memory stays at about one log file per worker.
        while start < pending.count {
            let chunk = Array(pending[start..<min(pending.count, start + options.workers)])
            start += chunk.count
            let read = try parallelMap(count: chunk.count, workers: options.workers, makeState: { () }, job: { _, index in
                LogFileRecords.read(chunk[index].log, from: store, keeping: filterNames)
            })
            for (item, result) in zip(chunk, read) {
                let file: LogFileRecords
                switch result {
                case .failure(.fetchFailed(let detail)): throw StoreError.fetchFailed(detail)
                case .failure: summary.changedSinceVerification += 1; continue
                case .success(let value): file = value
                }
                let source = ReleasedLogFile(key: item.log.key, bucket: item.log.bucket, location: LogFileRecords.location(of: item.log.key),
                                             time: item.log.time)
                let provenance = options.provenance
                    ? Array(RecordRelease.provenance(log: item.log, digest: item.digest, verifiedAt: verifiedText).utf8) : []
                let tailWithoutComma = provenance + [UInt8(ascii: "}")]
                let tail = [UInt8(ascii: ",")] + tailWithoutComma
                for record in file.records {
                    if !options.filter.isEmpty {
                        guard let value = record.fields, options.filter.matches(value) else { summary.filteredOut += 1; continue }
                    }
                    if let id = record.eventID, dedupe.isDuplicate(id, at: record.eventTime) {
                        summary.duplicates += 1
                        continue
                    }
                    let raw = file.bytes[record.range]
                    if provenance.isEmpty {
                        try sink.write(raw, [][...], source: source)
                    } else {
                        // The record's own bytes up to its closing brace, then the added member.
                        try sink.write(raw.dropLast(), (record.isEmptyObject ? tailWithoutComma : tail)[...], source: source)
                    }
                    summary.released += 1
                }
                try sink.finishLogFile(source)
                summary.logFilesReleased += 1
                if let digest = item.digest, let end = digest.span?.end {
                    summary.releasedThrough[digest.chain] = max(summary.releasedThrough[digest.chain] ?? end, end)
                }
            }
        }
        try sink.close()
        summary.recentEventIDs = dedupe.window
        return summary
    }

    /// `"trailproof":{…}`: where a record was proven, with its members in a fixed order.
    static func provenance(log: LogFileRecord, digest: DigestRecord?, verifiedAt: String) -> String {
        func quoted(_ text: String?) -> String {
            guard let text else { return "null" }
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let bucket = digest?.bucket ?? log.bucket
        return "\"trailproof\":{\"logFile\":\(quoted("s3://\(log.bucket)/\(log.key)")),\"sha256\":\(quoted(log.actualSHA256)),"
            + "\"digest\":\(quoted(log.digest.map { "s3://\(bucket)/\($0)" })),\"signatureSource\":\(quoted(digest?.signatureSource?.rawValue)),"
            + "\"publicKeyFingerprint\":\(quoted(digest?.publicKeyFingerprint)),\"chain\":\(quoted(digest?.chain)),"
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
    static func hash(_ id: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return value
    }

    mutating func isDuplicate(_ id: String, at time: UTCTime?) -> Bool {
        let when = time?.secondsSinceEpoch ?? newest
        let key = DedupeWindow.hash(id)
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
