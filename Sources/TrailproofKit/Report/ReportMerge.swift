import FoundationEssentials

/// Combines the reports of the shards of one sharded run (`verify --shard K/N`) into the report
/// a single run over the same source gives: the same chains, digests, log files, gaps, objects,
/// notices and counts. Every shard must be there exactly once, of one run (the same run id,
/// reference time and window: see `ShardRun`), from listings that agree, with the same scope;
/// anything else is refused, never merged into a pass.
///
/// `MergePlan` reads the shards' reports and applies these checks; `merge` is the same for reports
/// already decoded.
public enum ReportMerge {
    /// Merges `reports` (in any order): `MergePlan.resolve` over reports at hand, then `merged()`.
    /// - Parameter runID: when given, the run id every shard must carry.
    /// - Throws: `MergeError` when a shard is missing, duplicated or foreign (of another run,
    ///   reference time or window), or the shards disagree.
    public static func merge(_ reports: [VerificationReport], runID: String? = nil) throws -> VerificationReport {
        try MergePlan.resolve(MergeRequest(inputs: reports.map { .report($0) }, runID: runID)).merged()
    }

    /// The shards of `reports`, by index, once every check has passed: all there exactly once,
    /// of one run (`checkOneRun`), from listings that agree, with the same scope, each
    /// verifying its own locations, with totals that could have been made.
    /// - Throws: `MergeError`.
    static func checkedShards(_ reports: [VerificationReport], runID: String?) throws -> [VerificationReport] {
        guard let first = reports.first else { throw MergeError.noReports }
        for (position, report) in reports.enumerated() {
            guard let shard = report.shard else { throw MergeError.notAShard(position: position) }
            // What a report read back says is hostile until checked: a shard number outside
            // 0..<N (N at most 10,000) or a count no run makes is refused before any is used.
            guard Shard(index: shard.index, count: shard.count) != nil else {
                throw MergeError.disagree(what: "shard number (\(shard.index) of \(shard.count): shards are 0 to N-1 of N, N at most 10,000)", position: position)
            }
            guard report.hasPlausibleNumbers else {
                throw MergeError.disagree(what: "numbers (a count or size negative or beyond what any run makes)", position: position)
            }
        }
        try checkOneRun(reports, runID: runID)
        var byIndex: [Int: VerificationReport] = [:]
        for (position, report) in reports.enumerated() {
            guard let shard = report.shard else { throw MergeError.notAShard(position: position) }
            guard report.schemaVersion == first.schemaVersion else { throw MergeError.disagree(what: "schemaVersion", position: position) }
            guard shard.count == first.shard?.count, (0..<shard.count).contains(shard.index) else {
                throw MergeError.disagree(what: "shard count", position: position)
            }
            guard shard.listingFingerprint == first.shard?.listingFingerprint, shard.locationsListed == first.shard?.locationsListed else {
                throw MergeError.disagree(what: "listing (the shards saw different sets of locations)", position: position)
            }
            guard try scopeText(report.scope) == scopeText(first.scope) else { throw MergeError.disagree(what: "scope", position: position) }
            guard byIndex[shard.index] == nil else { throw MergeError.duplicated(index: shard.index) }
            byIndex[shard.index] = report
        }
        let count = first.shard?.count ?? 0
        let missing = (0..<count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else { throw MergeError.missing(indices: missing, count: count) }
        let shards = (0..<count).compactMap { byIndex[$0] }
        var locations: Set<ObjectKey> = []
        for report in shards {
            for location in report.shard?.locations ?? [] where !locations.insert(ObjectKey(location)).inserted {
                throw MergeError.disagree(what: "locations (\(location) verified twice)", position: report.shard?.index ?? 0)
            }
        }
        guard locations.count == first.shard?.locationsListed else {
            throw MergeError.disagree(what: "locations (\(locations.count) verified of \(first.shard?.locationsListed ?? 0) listed)", position: 0)
        }
        try checkCutLocations(shards)

        for report in shards {
            guard UnlistedValidRecords(of: report).isPlausible else {
                throw MergeError.disagree(what: "totals (they count fewer valid digests, log files or bytes than the report lists)", position: report.shard?.index ?? 0)
            }
        }
        return shards
    }

    /// Every shard that verified a slice of a location cut by date folder saw the same digests
    /// there (`CutLocationDigests`), and says so: one that saw fewer may have missed a digest
    /// hidden while it ran, and with it a log file of its slice that the digest lists. A live
    /// trail's newest digests are left out of the comparison (`CutLocationDigests.cutoff`).
    private static func checkCutLocations(_ shards: [VerificationReport]) throws {
        var firstSeen: [ObjectKey: (seen: CutLocationDigests, shard: Int)] = [:]
        for report in shards {
            let index = report.shard?.index ?? 0
            for seen in report.shard?.cutLocations ?? [] {
                let location = ObjectKey(seen.location)
                guard let first = firstSeen[location] else {
                    firstSeen[location] = (seen, index)
                    continue
                }
                guard seen.digests == first.seen.digests, seen.fingerprint.sameBytes(as: first.seen.fingerprint) else {
                    throw MergeError.disagree(what: "digests of \(seen.location) (shard \(first.shard) saw \(first.seen.digests) there and shard \(index) saw \(seen.digests), not the same ones: a digest was added, removed, moved or changed between their runs; run every shard again)", position: index)
                }
            }
        }
        // A unit of a cut location is its id, "#", and its date folders.
        for report in shards {
            let said = Set((report.shard?.cutLocations ?? []).map { ObjectKey($0.location) })
            for unit in report.shard?.locations ?? [] {
                for location in firstSeen.keys where unit.hasBytePrefix(location.text + "#") && !said.contains(location) {
                    throw MergeError.disagree(what: "digests of \(location.text) (this shard verified \(unit) but does not say which digests it saw there)", position: report.shard?.index ?? 0)
                }
            }
        }
    }

    /// One report from the checked shards (see `checkedShards`): their records and counts, and
    /// what needs every shard's chains (a chain that ends early: see `ChainEndsEarly`).
    static func combine(_ shards: [VerificationReport]) -> VerificationReport {
        var merged = VerificationReport.combining(shards + [ChainEndsEarly.part(after: shards)].compactMap { $0 })
        merged.shard = nil
        return merged
    }

    /// Every report is of one run: the same run id (the one asked for, when given), reference
    /// time and window. A genuine shard report of an earlier run has the same locations and
    /// listing fingerprint as today's, but not the same run id or reference time.
    private static func checkOneRun(_ reports: [VerificationReport], runID: String?) throws {
        func shard(_ position: Int) -> MergeError.ShardName { MergeError.ShardName(index: reports[position].shard?.index ?? 0, position: position) }
        for (position, report) in reports.enumerated() {
            guard let id = report.scope.runID else { throw MergeError.noRunID(shard(position)) }
            if let runID, !id.sameBytes(as: runID) { throw MergeError.otherRun(what: "run id", expected: runID, shard(position), found: id) }
        }
        let facts: [(what: String, value: (VerificationReport) -> String)] = [
            ("run id", { $0.scope.runID ?? "" }),
            ("reference time", { $0.scope.referenceTime?.iso8601 ?? "none" }),
            ("window", { "\($0.scope.start?.iso8601 ?? "any") to \($0.scope.end?.iso8601 ?? "any")" }),
        ]
        for fact in facts {
            let expected = fact.value(reports[0])
            for position in reports.indices.dropFirst() where !fact.value(reports[position]).sameBytes(as: expected) {
                throw MergeError.mixedRuns(what: fact.what, shard(0), expected, shard(position), fact.value(reports[position]))
            }
        }
    }

    /// The scope as JSON, reference time and run id included; not the identity each shard
    /// signed as (each Batch child or pod has its own role session), endpoints included.
    static func scopeText(_ scope: VerificationReport.Scope) throws -> Data {
        var scope = scope
        scope.authorities?.callerARN = nil
        scope.authorities?.callerAccount = nil
        scope.authorities?.identityUnavailable = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(scope)
    }
}

/// Why shard reports could not be merged.
public enum MergeError: Error, Equatable, CustomStringConvertible {
    case noReports
    case notAShard(position: Int)
    case duplicated(index: Int)
    case missing(indices: [Int], count: Int)
    case disagree(what: String, position: Int)
    /// A shard report without a run id (made without `--run-id`, or by an older trailproof).
    case noRunID(ShardName)
    /// A shard of another run id than the one `merge --run-id` asks for.
    case otherRun(what: String, expected: String, ShardName, found: String)
    /// Two shards of different runs: run ids, reference times or windows differ.
    case mixedRuns(what: String, ShardName, String, ShardName, String)

    /// A shard as a person finds it: its index and its place among the reports given.
    public struct ShardName: Equatable, Sendable, CustomStringConvertible {
        /// The shard's index (from 0).
        public var index: Int
        /// Its place among the reports given (from 0).
        public var position: Int
        public var description: String { "shard \(index) (report \(position + 1))" }
    }

    public var description: String { text(.plain) }

    /// What is wrong, naming the inputs as `names` does.
    public func text(_ names: InputNames) -> String {
        switch self {
        case .noReports: return "no reports to merge"
        case .notAShard(let position): return "report \(position + 1) is not a shard's report (it has no \"shard\" member): made without \(names.shard)"
        case .duplicated(let index): return "shard \(index) is given twice"
        case .missing(let indices, let count): return "shard\(indices.count == 1 ? "" : "s") \(indices.map(String.init).joined(separator: ", ")) of \(count) missing"
        case .disagree(let what, let position): return "the shards disagree on their \(what) (report \(position + 1))"
        case .noRunID(let shard):
            return "\(shard) has no run id (made without \(names.runID), or by an older trailproof): merge only the shards of one run, each given the same \(names.runID)"
        case .otherRun(let what, let expected, let shard, let found):
            return "\(shard) is of another run: its \(what) is \(found.debugDescription), not \(expected.debugDescription)"
        case .mixedRuns(let what, let first, let firstValue, let other, let otherValue):
            return "the shards are of different runs: \(first) has \(what) \(firstValue.debugDescription), \(other) has \(otherValue.debugDescription); merge only the shards of one run (a replayed report of an earlier run is refused)"
        }
    }
}

extension VerificationReport {
    /// The largest count a shard's report may hold, and the largest byte total and single log
    /// file size: beyond any run (2^40 objects, 256 TiB hashed, 64 GiB a file, where the limit
    /// is 1 GiB), and small enough that what a merge adds up from 10,000 shards cannot overflow.
    static let countLimit = 1 << 40
    static let byteTotalLimit: Int64 = 1 << 48
    static let fileSizeLimit: Int64 = 1 << 36

    /// True when every count and size in the report is within those limits and not negative.
    var hasPlausibleNumbers: Bool {
        let counts = 0...Self.countLimit
        let t = totals
        let numbers = [t.chains, t.digests, t.digestsValid, t.logFiles, t.logFilesValid, t.missingDigestHours,
                       t.logFilesOutOfScope, t.objectFindings, t.gaps, t.findings, t.exitStatus]
            + Array(t.digestsByVerdict.values) + Array(t.logFilesByVerdict.values) + Array((t.signatureSources ?? [:]).values)
            + chains.flatMap { [$0.digests, $0.validDigests, $0.recheckedDigests ?? 0] }
            + digests.flatMap { [$0.logFileCount, $0.hours ?? 0] }
            + (shard?.cutLocations ?? []).map(\.digests)
        return numbers.allSatisfy(counts.contains) && (0...Self.byteTotalLimit).contains(t.logFileBytesHashed)
            && logFiles.allSatisfy { (0...Self.fileSizeLimit).contains($0.uncompressedBytes ?? 0) }
    }
}
