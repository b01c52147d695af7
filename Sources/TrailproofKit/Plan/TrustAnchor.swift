/// What a run trusts besides the evidence: the public keys, where each came from and over
/// which endpoint, and whether they came from inside the evidence. Decided once, by `RunPlan`
/// (or `TrustAnchor.resolve` for a Lake query), and named in every report.
public struct TrustAnchor: Sendable {
    /// The keys signatures are checked with.
    public var ring: PublicKeyRing
    /// Where they came from: key files (with their SHA-256), ListPublicKeys regions, the archive itself.
    public var sources: [PublicKeySource]
    /// The endpoints and identity of a run over AWS; nil when nothing was asked of AWS.
    public var authorities: RunAuthorities?

    /// A trust anchor of `ring` from `sources`.
    public init(ring: PublicKeyRing, sources: [PublicKeySource], authorities: RunAuthorities? = nil) {
        self.ring = ring
        self.sources = sources
        self.authorities = authorities
    }

    /// True when the keys came from inside the evidence (an archive's own key file): the report says so.
    public var isInsideEvidence: Bool { sources.contains { $0.isInsideEvidence } }

    /// How a run's keys are chosen.
    public enum Choice: Sendable {
        /// Key files given by the user.
        case files([String])
        /// The archive's own key file, because the user asked for it.
        case fromArchive
        /// CloudTrail's ListPublicKeys (over S3 only).
        case listPublicKeys
        /// Keys given in-process by a library user, with where they came from.
        case ring(PublicKeyRing, sources: [PublicKeySource])
    }

    /// Keys from ListPublicKeys for `windows` (region → span), or from `files` when any are given:
    /// the rule every command that verifies a signature follows.
    /// - Throws: `KeyFileError` (an unusable file, an empty answer), `AWSRequestError`.
    public static func resolve(files: [String], windows: @autoclosure () throws -> [String: TimeSpan],
                               api: @autoclosure () throws -> CloudTrailPublicKeys) throws -> TrustAnchor {
        if !files.isEmpty {
            let (ring, sources) = try KeyFiles.load(files)
            return TrustAnchor(ring: ring, sources: sources)
        }
        let spans = try windows()
        let ring = try PublicKeyFetch(api: try api()).fetch(spans)
        return TrustAnchor(ring: ring, sources: [.listPublicKeys(regions: spans.keys.sorted())])
    }

    /// The regions ListPublicKeys was asked in, for the report's authorities.
    var listedRegions: [String] {
        sources.flatMap { source -> [String] in
            if case .listPublicKeys(let regions) = source { return regions }
            return []
        }
    }
}
