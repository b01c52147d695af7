import TrailproofKit

/// What the generator wrote: the bucket copy, the key file, and every object with its place.
public struct GeneratedTrail: Sendable {
    /// The directory holding the bucket's keys (pass to `trailproof verify`).
    public let root: String
    /// The public key file (list-public-keys shape).
    public let publicKeysFile: String
    /// The bucket the digests name.
    public let bucket: String
    /// Every digest written, oldest first within each chain.
    public internal(set) var digests: [GeneratedDigest]
    /// Every log file written.
    public internal(set) var logFiles: [GeneratedLogFile]

    /// The digests of `chain`-matching objects of the first account and region, regular chain, oldest first.
    public var primaryDigests: [GeneratedDigest] {
        guard let first = digests.first else { return [] }
        return digests.filter { $0.chain == first.chain }
    }

    /// The regular digests of the primary chain that list at least one log file.
    public var primaryDigestsWithLogs: [GeneratedDigest] { primaryDigests.filter { !$0.logKeys.isEmpty } }

    /// Full path of an object key.
    public func path(of key: String) -> String { root + "/" + key }

    /// Total uncompressed bytes of all log files.
    public var uncompressedLogBytes: Int { logFiles.reduce(0) { $0 + $1.uncompressedBytes } }
}

/// One digest the generator wrote.
public struct GeneratedDigest: Sendable {
    /// Its object key.
    public let key: String
    /// Its chain.
    public let chain: ChainID
    /// digestStartTime.
    public let startTime: UTCTime
    /// digestEndTime.
    public let endTime: UTCTime
    /// Hex signature.
    public let signatureHex: String
    /// Keys of the log files it lists.
    public let logKeys: [String]
    /// True for the first digest of a chain (previous fields null).
    public let isChainStart: Bool
}

/// One log file the generator wrote.
public struct GeneratedLogFile: Sendable {
    /// Its object key.
    public let key: String
    /// The digest listing it, or nil.
    public let digestKey: String?
    /// Delivery time.
    public let deliveredAt: UTCTime
    /// Uncompressed size.
    public let uncompressedBytes: Int
}
