import TrailproofNative

/// One part of a verification split across processes or machines (`--shard K/N`, K from 0).
///
/// The unit is the bucket location (key prefix, organization, account, region): every chain
/// and every log file of a location, and so every link, gap and unreferenced file, is judged by
/// exactly one shard, with facts about the whole listing (the newest object, hence the
/// reference time) taken from the full listing each shard makes. A location larger than a
/// batch is cut by date folder (`LocationBatch`): each slice is a unit; every shard holding one
/// verifies the location's digests, and the one holding the first slice reports them. Units
/// are dealt out in sorted location order, round robin; objects outside any location (ignored
/// folders, stray files in trail folders) belong to shard 0.
public struct Shard: Sendable, Equatable, Codable {
    /// This shard, from 0.
    public var index: Int
    /// Shards in all.
    public var count: Int

    /// Shard `index` of `count`; nil unless 0 ≤ index < count ≤ 10,000.
    public init?(index: Int, count: Int) {
        guard (1...10_000).contains(count), (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Environment variables a batch engine sets to an array job's index, in the order read.
    public static let indexVariables = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"]

    /// Parses `K/N`, or `auto/N` with K from the first of `indexVariables` that is set.
    public static func parse(_ text: String, environment: [String: String]) -> Result<Shard, ShardError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[1]) else { return .failure(.malformed(text)) }
        var indexText = String(parts[0])
        if indexText == "auto" {
            guard let variable = indexVariables.first(where: { environment[$0] != nil }), let value = environment[variable] else {
                return .failure(.noIndexVariable)
            }
            indexText = value
        }
        guard let index = Int(indexText), let shard = Shard(index: index, count: count) else { return .failure(.outOfRange(text: text, index: indexText)) }
        return .success(shard)
    }

    /// The units (locations, or date-folder slices of a large location) this shard verifies, of
    /// all `units` in their order.
    public func owned(of units: [String]) -> Set<ObjectKey> {
        var owned: Set<ObjectKey> = []
        for (offset, unit) in units.enumerated() where offset % count == index { owned.insert(ObjectKey(unit)) }
        return owned
    }

    /// SHA-256 (hex) over the unit ids: shards that saw the same listing agree on it.
    static func fingerprint(of units: [String]) -> String {
        let text = units.joined(separator: "\n")
        guard let digest = try? MessageDigest(.sha256) else { return "" }
        try? digest.update(Array(text.utf8))
        return (try? digest.finish()).map(Hex.encode) ?? ""
    }
}

/// Why `--shard` was refused.
public enum ShardError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case noIndexVariable
    case outOfRange(text: String, index: String)
    /// A sharded run without a run id (`--run-id` or `TRAILPROOF_RUN_ID`).
    case noRunID
    /// A run id that is empty, too long, or holds spaces or control characters.
    case badRunID(String)
    /// A reference time that is not a UTC time.
    case badReferenceTime(String)

    public var description: String { text(.plain) }

    /// Why, naming the inputs as `names` does.
    public func text(_ names: InputNames) -> String {
        switch self {
        case .malformed(let text): return "\(names.shard) \(text) is not K/N (K from 0) or auto/N"
        case .noIndexVariable: return "\(names.shard) auto/N: none of \(Shard.indexVariables.joined(separator: ", ")) is set"
        case .outOfRange(let text, let index): return "\(names.shard) \(text): the index \(index) is not from 0 to N-1 (N from 1 to 10000)"
        case .noRunID:
            return "\(names.shard) needs \(names.runID) ID (or \(ShardRun.runIDVariable)): one id for every shard of the run, new for each run, so that `trailproof merge` refuses a shard report of another run"
        case .badRunID(let text):
            return "\(names.runID) \(text.prefix(40).debugDescription): 1 to \(ShardRun.runIDLimit) visible ASCII characters, no spaces"
        case .badReferenceTime(let text):
            return "\(names.referenceTime) \(text.prefix(40).debugDescription) is not a time: give \(TimeArgument.formsText)"
        }
    }
}

/// What a shard's report says about the part it verified, for `trailproof merge`.
public struct ShardRecord: Sendable, Codable, Equatable {
    /// This shard, from 0.
    public var index: Int
    /// Shards in all.
    public var count: Int
    /// The ids of the locations it verified.
    public var locations: [String]
    /// SHA-256 over the sorted ids of every location the shard's listing held (see `Shard`).
    public var listingFingerprint: String
    /// Locations the listing held.
    public var locationsListed: Int
    /// For each location cut by date folder of which it verified a slice, the digests it saw
    /// there (nil when none: absent from the JSON).
    public var cutLocations: [CutLocationDigests]?

    /// Creates a record.
    public init(index: Int, count: Int, locations: [String], listingFingerprint: String, locationsListed: Int,
                cutLocations: [CutLocationDigests]? = nil) {
        self.index = index
        self.count = count
        self.locations = locations
        self.listingFingerprint = listingFingerprint
        self.locationsListed = locationsListed
        self.cutLocations = cutLocations
    }
}
