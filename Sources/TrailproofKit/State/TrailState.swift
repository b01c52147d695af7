import FoundationEssentials
import TrailproofNative

/// What a run hands the next one (`--state FILE`): per chain, the newest digest verified so far,
/// so that the next run verifies only what came after and proves it links on (previousDigestHashValue
/// and previousDigestSignature) even once the old objects are gone; for `records`, the eventIDs
/// inside the dedupe window and how far each file sink was acknowledged.
public struct TrailState: Codable, Sendable, Equatable {
    /// Marks the file as trailproof's.
    public static let kindName = "trailproof-state"
    /// The layout version written.
    public static let currentVersion = 1

    /// The newest verified digest of a chain.
    public struct Head: Codable, Sendable, Equatable {
        /// Its key.
        public var key: String
        /// Its digestEndTime.
        public var endTime: UTCTime
        /// SHA-256 of its uncompressed bytes (what the next digest's previousDigestHashValue must say).
        public var sha256: String
        /// Its signature (what the next digest's previousDigestSignature must say).
        public var signature: String
        /// Its location, so log files it covered stay out of the next run's scope.
        public var location: TrailLocation
    }

    /// A log file whose records were released, by what its authentic digest says of it.
    public struct ReleasedFile: Codable, Sendable, Hashable, Comparable {
        /// The end of the digest that lists it.
        public var digestEnd: UTCTime
        /// SHA-256 of its uncompressed content (hex), as that digest lists it.
        public var sha256: String

        /// Creates a record of a released file.
        public init(digestEnd: UTCTime, sha256: String) {
            self.digestEnd = digestEnd
            self.sha256 = sha256
        }

        public static func < (lhs: ReleasedFile, rhs: ReleasedFile) -> Bool {
            (lhs.digestEnd, lhs.sha256) < (rhs.digestEnd, rhs.sha256)
        }
    }

    /// `trailproof-state`.
    public var kind = TrailState.kindName
    /// See `currentVersion`.
    public var version = TrailState.currentVersion
    /// The source the state belongs to (a directory or `s3://bucket/prefix`): another is refused.
    public var source: String
    /// Heads by chain id.
    public var heads: [ObjectKey: Head] = [:]
    /// Per chain id, the end of the newest digest through which every log file's records were
    /// released (`records`): a log file listed by a digest ending no later is not released again.
    /// It never moves past a log file whose records were withheld (modified, missing,
    /// unreadable, or listed by a digest that failed): it moves only to the chain's head.
    public var releasedThrough: [ObjectKey: UTCTime] = [:]
    /// Per chain id, the log files released although they lie past `releasedThrough` (a log file
    /// before them was withheld): when the chain is verified again from its head, they are not
    /// released again, and the withheld one is.
    public var releasedPastMark: [ObjectKey: [ReleasedFile]] = [:]
    /// eventIDs released within the dedupe window, as hex 64-bit FNV-1a hashes, with their
    /// eventTime (epoch seconds).
    public var recentEventIDs: [String: Int64] = [:]
    /// Fingerprints of the verified day folders (see `DayFingerprints`), kept by `--recheck` runs.
    public var days: [ObjectKey: String] = [:]
    /// Bytes of each file sink acknowledged (a restarted run cuts what a crash left past them).
    public var sinkOffsets: [String: Int64] = [:]

    /// An empty state for `source`.
    public init(source: String) { self.source = source }

    /// Reads a state; `releasedPastMark`, added later, may be absent (a file written before it).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        version = try container.decode(Int.self, forKey: .version)
        source = try container.decode(String.self, forKey: .source)
        heads = try container.decode([ObjectKey: Head].self, forKey: .heads)
        releasedThrough = try container.decode([ObjectKey: UTCTime].self, forKey: .releasedThrough)
        releasedPastMark = try container.decodeIfPresent([ObjectKey: [ReleasedFile]].self, forKey: .releasedPastMark) ?? [:]
        recentEventIDs = try container.decode([String: Int64].self, forKey: .recentEventIDs)
        days = try container.decode([ObjectKey: String].self, forKey: .days)
        sinkOffsets = try container.decode([String: Int64].self, forKey: .sinkOffsets)
    }

    /// How far each location is verified by `heads`: the earliest head end time among its chains
    /// (a location is only as verified as its least verified chain).
    public static func verifiedThrough(_ heads: [ObjectKey: Head]) -> [TrailLocation: UTCTime] {
        var through: [TrailLocation: UTCTime] = [:]
        for head in heads.values { through[head.location] = min(through[head.location] ?? head.endTime, head.endTime) }
        return through
    }
}

/// A state file held for one run: locked against a second run, read strictly, written atomically.
public final class StateFile {
    /// Its path.
    public let path: String
    /// The state read (or a new one).
    public private(set) var state: TrailState
    private let lock: Int32

    /// Opens and locks `path` for `source`; a missing file starts a new state.
    /// - Throws: `StateFileError` when another run holds it, or it is corrupt or another source's
    ///   (the lock is then released).
    public init(path: String, source: String) throws {
        self.path = path
        guard let lock = try LocalFile.lockExclusively(path + ".lock") else { throw StateFileError.locked(path: path) }
        do {
            state = try Self.read(path, source: source)
        } catch {
            LocalFile.close(lock)
            throw error
        }
        self.lock = lock
    }

    /// The state in `path`, read strictly in one pass (`StrictJSON.decode`), or a new one when
    /// there is no file.
    private static func read(_ path: String, source: String) throws -> TrailState {
        guard LocalFile.exists(path) else { return TrailState(source: source) }
        let state: TrailState
        do {
            state = try StrictJSON.decode(TrailState.self, from: try LocalFile.readAll(path, limit: 1 << 30))
        } catch {
            throw StateFileError.corrupt(path: path, detail: "\(error)")
        }
        guard state.kind == TrailState.kindName, state.version == TrailState.currentVersion else {
            throw StateFileError.corrupt(path: path, detail: "not a trailproof state file of version \(TrailState.currentVersion)")
        }
        guard state.source.sameBytes(as: source) else { throw StateFileError.foreign(path: path, source: state.source, expected: source) }
        return state
    }

    /// Replaces the state and writes it atomically (temporary file, flushed, renamed).
    public func save(_ state: TrailState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try LocalFile.writeAtomically(Array(try encoder.encode(state)), to: path)
        self.state = state
    }

    deinit { LocalFile.close(lock) }
}

/// Why a state file cannot be used (exit status 2): never silently reset.
public enum StateFileError: Error, Sendable, CustomStringConvertible {
    case locked(path: String)
    case corrupt(path: String, detail: String)
    case foreign(path: String, source: String, expected: String)

    public var description: String {
        switch self {
        case .locked(let path): return "state file \(path) is in use by another run (\(path).lock is locked)"
        case .corrupt(let path, let detail): return "state file \(path) cannot be used: \(detail); it is never reset silently: move it aside to start afresh"
        case .foreign(let path, let source, let expected):
            return "state file \(path) belongs to \(source), not to \(expected)"
        }
    }
}
