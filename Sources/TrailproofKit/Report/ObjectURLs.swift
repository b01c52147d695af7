/// How the reports name an object: `s3://BUCKET/KEY`, the bucket being the record's own, else that
/// of its chain; the bare key when no bucket is known (a chain with no digest since its verified
/// head names none: its bucket is empty).
struct ObjectURLs {
    private let bucketOfChain: [ObjectKey: String]

    init(_ report: VerificationReport) {
        bucketOfChain = Dictionary(report.chains.map { (ObjectKey($0.id), $0.bucket) }, uniquingKeysWith: { first, _ in first })
    }

    /// The URL of `key` (nil when it is nil).
    func url(_ key: String?, bucket: String?, chain: String? = nil) -> String? {
        guard let key else { return nil }
        let known = (bucket ?? chain.flatMap { bucketOfChain[ObjectKey($0)] }).flatMap { $0.isEmpty ? nil : $0 }
        return known.map { "s3://\($0)/\(key)" } ?? key
    }
}
