import Foundation

/// Combines the reports of the shards of one sharded run (`verify --shard K/N`) into the report
/// a single run over the same source gives: the same chains, digests, log files, gaps, objects,
/// notices and counts. Every shard must be there exactly once, from listings that agree, with
/// the same scope; anything else is refused, never merged into a pass.
public enum ReportMerge {
    /// Merges `reports` (in any order).
    /// - Throws: `MergeError` when a shard is missing, duplicated or foreign, or the shards disagree.
    public static func merge(_ reports: [VerificationReport]) throws -> VerificationReport {
        guard let first = reports.first else { throw MergeError.noReports }
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

        for report in shards {
            guard UnlistedValidRecords(of: report).isPlausible else {
                throw MergeError.disagree(what: "totals (they count fewer valid digests, log files or bytes than the report lists)", position: report.shard?.index ?? 0)
            }
        }
        var merged = VerificationReport.combining(shards)
        merged.shard = nil
        return merged
    }

    /// The scope as JSON without the reference time (a live source's shards observe it at
    /// slightly different times; the merged report takes the latest).
    private static func scopeText(_ scope: VerificationReport.Scope) throws -> Data {
        var scope = scope
        scope.referenceTime = nil
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

    public var description: String {
        switch self {
        case .noReports: return "no reports to merge"
        case .notAShard(let position): return "report \(position + 1) is not a shard's report (it has no \"shard\" member): made without --shard"
        case .duplicated(let index): return "shard \(index) is given twice"
        case .missing(let indices, let count): return "shard\(indices.count == 1 ? "" : "s") \(indices.map(String.init).joined(separator: ", ")) of \(count) missing"
        case .disagree(let what, let position): return "the shards disagree on their \(what) (report \(position + 1))"
        }
    }
}
