import TrailproofNative

/// The digests one shard saw in a location cut by date folder (`LocationBatch.logDaySlices`).
///
/// Every shard holding a slice of such a location verifies the location's digests whole and
/// trusts them to say which of its slice's log files are listed, but only the shard holding the
/// first slice reports them. A digest hidden, with the log files it lists, only while another
/// slice's shard ran would then be reported by neither, and a log file modified under it hashed
/// by no one. So each shard records what it saw, and `merge` refuses shards that saw different
/// digests (`ReportMerge`).
public struct CutLocationDigests: Sendable, Codable, Equatable {
    /// The location's id.
    public var location: String
    /// How many digests the fingerprint covers.
    public var digests: Int
    /// SHA-256 (hex) over each of those digests' key and the SHA-256 of its uncompressed bytes,
    /// in the byte order of the keys.
    public var fingerprint: String

    /// What a shard saw of `location`'s `loaded` digests: each one whose name ends at or before
    /// `cutoff` (every one when nil), as its key and its bytes' hash (a digest that could not be
    /// read counts as unread).
    init(location: TrailLocation, loaded: [LoadedDigest], endingBy cutoff: UTCTime?) throws {
        var seen = loaded.filter { digest in digest.name.chain.location == location && cutoff.map { digest.name.endTime <= $0 } ?? true }
            .map { (key: ObjectKey($0.name.key), hash: $0.uncompressedSHA256 ?? "unread") }
        seen.sort { $0.key < $1.key }
        var text: [UInt8] = []
        for digest in seen {
            // The key's length first: a key can hold any byte, so no separator alone is unambiguous.
            text += Array("\(digest.key.text.utf8.count):".utf8) + Array(digest.key.text.utf8) + Array(" \(digest.hash)\n".utf8)
        }
        let hash = try MessageDigest(.sha256)
        try hash.update(text)
        self.location = location.id
        digests = seen.count
        fingerprint = Hex.encode(try hash.finish())
    }

    /// The time before which, in a live run, every shard sees the same digests of a location:
    /// CloudTrail delivers a digest within `VerificationOptions.digestDeliveryDeadline` of its
    /// end, and every shard lists the bucket after the run's planned reference time. Digests
    /// ending later may honestly reach one shard and not another; nil for a copy, which does
    /// not grow.
    static func cutoff(observedAt: Observation?) -> UTCTime? {
        guard let observed = observedAt, observed.isLive else { return nil }
        return observed.time.adding(seconds: -VerificationOptions.digestDeliveryDeadline)
    }
}
