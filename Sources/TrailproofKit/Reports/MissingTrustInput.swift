/// What a run lacked to verify part of a trail: a public key for a region or time, or, in a local
/// copy, a digest's signature (S3 metadata a copy does not keep). Such findings still fail the run
/// (exit 1: nothing unproven is ever valid) but are set-up, not tampering, and every report says
/// so with the fix in one line. A digest read over S3 without its signature metadata is not one of
/// these: S3 always has it, so its absence is tampering.
public struct MissingTrustInput: Sendable, Codable, Equatable {
    /// The input that was missing.
    public enum Reason: String, Sendable, Codable {
        /// No public key with a digest's fingerprint, valid when it was signed (`public-key-not-found`).
        case noPublicKey = "public-key-not-found"
        /// No signature for a digest of a local copy (`signature-unavailable` outside S3).
        case noSignature = "signature-unavailable"
    }

    /// The input that was missing.
    public var reason: Reason
    /// For `noPublicKey`: the region whose key is missing (nil when its chain is unknown).
    public var region: String?
    /// Digests that could not be verified for want of it.
    public var digests: Int
    /// Log files listed by (or in the hours of) those digests, `unverified` for want of it.
    public var logFiles: Int
    /// The time those digests cover, oldest start to newest end.
    public var span: TimeSpan?
    /// What is missing, how much it leaves unverified, and the fix: one line.
    public var text: String

    /// One line for people, naming the inputs as `names` does.
    static func text(reason: Reason, region: String?, digests: Int, logFiles: Int, span: TimeSpan?, names: InputNames) -> String {
        let what = Self.count(digests, "digest") + (logFiles > 0 ? ", " + Self.count(logFiles, "log file") : "")
        switch reason {
        case .noPublicKey:
            let when = span.map { " from \($0.start.iso8601) to \($0.end.iso8601)" } ?? ""
            return "no public key for \(region ?? "the region of its digests")\(when) (\(what); give \(names.publicKeys) for it, see `trailproof keys`)"
        case .noSignature:
            return "no signature for \(digests == 1 ? "a digest" : "digests") of this local copy (\(what); a copy keeps no S3 metadata: "
                + "give \(names.headSignature), save the digest's metadata beside it as KEY.metadata.json, or verify the bucket over S3)"
        }
    }

    static func count(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}

/// Sorts a report's findings into those that show what was found and those that only show what
/// the run lacked (`MissingTrustInput`): the one place that decides, for every report format.
struct TrustClassifier {
    /// True when the report's source is S3 (`s3://…`), where a digest always has its signature metadata.
    let overS3: Bool
    /// The not-valid digest records by key, for the log files they list.
    private let failedByKey: [ObjectKey: Int]
    /// Not-valid digest records by the location and hour their key names, for log files no digest lists.
    private let failedByLocation: [TrailLocation: [(hour: TimeSpan, index: Int)]]
    /// Each location's newest digest (of its regular chains), when it failed: its record and the hour its key names.
    private let newestFailedByLocation: [TrailLocation: (hour: TimeSpan, index: Int)]
    private let digests: [DigestRecord]
    /// Each chain id's location.
    private let locations: [ObjectKey: TrailLocation]

    init(_ report: VerificationReport) {
        overS3 = Array(report.scope.source.utf8).starts(with: Array("s3://".utf8))
        digests = report.digests
        var locations: [ObjectKey: TrailLocation] = [:]
        for chain in report.chains { locations[ObjectKey(chain.id)] = chain.chain.location }
        self.locations = locations
        var byKey: [ObjectKey: Int] = [:], byLocation: [TrailLocation: [(hour: TimeSpan, index: Int)]] = [:]
        for (index, record) in report.digests.enumerated() where record.verdict != .valid {
            guard let key = record.key else { continue }
            byKey[ObjectKey(key)] = index
            if case .digest(let name)? = TrailObjectKey(key) {
                byLocation[name.chain.location, default: []].append((TimeSpan(start: name.endTime.adding(seconds: -3600), end: name.endTime), index))
            }
        }
        failedByKey = byKey
        failedByLocation = byLocation
        var newest: [TrailLocation: (hour: TimeSpan, index: Int)] = [:]
        for chain in report.chains where !chain.chain.isBackfill {
            guard let key = chain.newestDigest, let index = byKey[ObjectKey(key)], case .digest(let name)? = TrailObjectKey(key) else { continue }
            if let known = newest[chain.chain.location], known.hour.end >= name.endTime { continue }
            newest[chain.chain.location] = (TimeSpan(start: name.endTime.adding(seconds: -3600), end: name.endTime), index)
        }
        newestFailedByLocation = newest
    }

    /// The chain's location, when the chain is one of the report's.
    func location(ofChain chain: String) -> TrailLocation? { locations[ObjectKey(chain)] }

    /// Why `record` could not be verified, when it is for want of a trust input rather than a
    /// sign of tampering.
    func missingInput(_ record: DigestRecord) -> MissingTrustInput.Reason? {
        switch record.verdict {
        case .publicKeyNotFound: return .noPublicKey
        case .signatureUnavailable: return overS3 ? nil : .noSignature
        default: return nil
        }
    }

    /// The digest record whose failure for want of a trust input left `record` unjudged, if any:
    /// for an `unverified` log file, the digest that lists it, or for one no digest in scope
    /// lists, the failed digest of its location whose hour holds it; for an `unreferenced` one
    /// delivered after its location's newest digest (and within the 2 h its digest may take), that
    /// digest, when it could not be authenticated for want of a trust input: authenticated, it
    /// would have let the log file wait for its digest.
    func missingInputDigest(of record: LogFileRecord) -> DigestRecord? {
        if record.verdict == .unreferenced, record.digest == nil, let time = record.time,
           case .logFile(let name)? = TrailObjectKey(record.key), let newest = newestFailedByLocation[name.location],
           newest.hour.start <= time, time <= newest.hour.end.adding(seconds: VerificationOptions.digestDeliveryDeadline) {
            return missingInput(digests[newest.index]) == nil ? nil : digests[newest.index]
        }
        guard record.verdict == .unverified else { return nil }
        if let key = record.digest {
            guard let index = failedByKey[ObjectKey(key)] else { return nil }
            return missingInput(digests[index]) == nil ? nil : digests[index]
        }
        // As the engine finds it: the failed digest of its location whose hour (named by its key) holds it.
        guard let time = record.time, case .logFile(let name)? = TrailObjectKey(record.key),
              let failed = failedByLocation[name.location]?.first(where: { $0.hour.start <= time && time <= $0.hour.end }) else { return nil }
        return missingInput(digests[failed.index]) == nil ? nil : digests[failed.index]
    }
}
