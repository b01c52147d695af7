/// What can be said of the object key of a digest that is missing and that no link names: its
/// chain, and so every part of its key but the end time, is known; the end time (which CloudTrail
/// puts in the name, to the second) is known only about, from its neighbours' times. The honest
/// answer is a pattern: the key up to the last character that every plausible end time shares,
/// then `*`, then the name's end, with the estimated end time beside it.
public struct ExpectedDigestName: Sendable, Equatable {
    /// The key pattern (`*` stands for the unknown characters), e.g.
    /// `AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T05*.json.gz`.
    public var pattern: String
    /// The end time estimated from the neighbouring digests.
    public var estimatedEnd: UTCTime

    /// How far a real digest's end may lie from the estimate: CloudTrail delivers hourly, and
    /// its hours drift by seconds to a minute or two.
    public static let drift: Int64 = 180

    /// The name of `chain`'s digest ending about `estimatedEnd` (within `drift`, and inside
    /// `bounds`, the ends of the digests present around it).
    public init(chain: ChainID, estimatedEnd: UTCTime, bounds: TimeSpan? = nil) {
        self.init(chain: chain, endingBetween: estimatedEnd.adding(seconds: -Self.drift), and: estimatedEnd.adding(seconds: Self.drift),
                  estimatedEnd: estimatedEnd, bounds: bounds)
    }

    /// The names of `chain`'s digests ending between `earliest` and `latest`, as one pattern.
    public init(chain: ChainID, endingBetween earliest: UTCTime, and latest: UTCTime, estimatedEnd: UTCTime, bounds: TimeSpan? = nil) {
        var low = earliest, high = latest
        if let bounds {
            low = max(low, bounds.start.adding(seconds: 1))
            high = min(high, bounds.end.adding(seconds: -1))
            if high < low { (low, high) = (earliest, latest) }
        }
        let first = Array(Self.key(of: chain, endingAt: low).utf8)
        let last = Array(Self.key(of: chain, endingAt: high).utf8)
        var common = 0
        while common < first.count, common < last.count, first[common] == last[common] { common += 1 }
        let suffix = chain.isBackfill ? "_backfill.json.gz" : ".json.gz"
        pattern = common == first.count ? String(decoding: first, as: UTF8.self)
            : String(decoding: first[..<common], as: UTF8.self) + "*" + suffix
        self.estimatedEnd = estimatedEnd
    }

    /// The key CloudTrail gives `chain`'s digest ending at `end`.
    public static func key(of chain: ChainID, endingAt end: UTCTime) -> String {
        let location = chain.location
        return "\(location.accountFolder)CloudTrail-Digest/\(location.region)/\(end.keyDatePath)/"
            + "\(location.accountID)_CloudTrail-Digest_\(location.region)_\(chain.trailName)_\(chain.homeRegion)_\(end.compact(withSeconds: true))"
            + (chain.isBackfill ? "_backfill" : "") + ".json.gz"
    }
}
