/// Verifies every digest chain and log file in an object store and reports what it finds.
///
/// Integrity problems are findings in the returned report; a thrown error means the run could
/// not verify at all (no digests, unreadable store).
public struct TrailVerifier: Sendable {
    /// The store holding the trail's objects.
    public let store: ObjectStore
    /// The public keys to check signatures with.
    public let keys: PublicKeyRing
    /// Scope and policy.
    public let options: VerificationOptions

    /// Creates a verifier.
    public init(store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions) {
        self.store = store
        self.keys = keys
        self.options = options
    }

    /// Runs the whole verification.
    /// - Parameter progress: called from any thread as work advances.
    /// - Throws: `VerifierError` or `StoreError` when nothing can be verified.
    public func run(progress: (@Sendable (VerificationProgress) -> Void)? = nil) throws -> VerificationReport {
        progress?(.listing)
        let inventory = TrailInventory(keys: try store.listKeys())
        guard inventory.digestCount > 0 else {
            throw VerifierError.noDigests(source: store.displayName, objects: inventory.allKeys.count)
        }
        var run = RunState(inventory: inventory)
        try loadDigests(into: &run, progress: progress)
        decideBuckets(in: &run)
        checkSignatures(in: &run)
        checkLinks(in: &run)
        let listed = try checkLogFiles(in: &run, progress: progress)
        findUnreferencedLogFiles(in: &run, listed: listed)
        findCoverageEdgeGaps(in: &run)
        return assembleReport(from: run)
    }
}

/// The working state of one run.
struct RunState {
    let inventory: TrailInventory
    var loaded: [LoadedDigest] = []
    var indexByKey: [String: Int] = [:]
    /// Loaded digests by the key they name (digestS3Object).
    var indicesByNamedKey: [String: [Int]] = [:]
    /// Loaded digests by the key of the previous digest they name.
    var successorsByPreviousKey: [String: [Int]] = [:]
    var bucketByChain: [ChainID: String] = [:]
    var checks: [DigestCheck] = []
    var missing: [DigestRecord] = []
    var missingKeys: Set<String> = []
    var logRecords: [LogFileRecord] = []
    var gaps: [GapRecord] = []
    var notices: [String] = []

    init(inventory: TrailInventory) { self.inventory = inventory }
}

/// What was established about one loaded digest.
struct DigestCheck {
    var problems: [DigestRecord.Problem] = []
    var signatureHex: String?
    var signatureSource: SignatureSource?
    /// The digest whose previousDigestSignature supplied the signature.
    var signatureCarrier: Int?

    var verdict: DigestVerdict {
        problems.min { $0.kind.precedence < $1.kind.precedence }?.kind ?? .valid
    }

    /// True when the digest's content is proven to be CloudTrail's (whatever its location or links).
    var isAuthentic: Bool {
        !problems.contains { [.malformed, .signatureUnavailable, .publicKeyNotFound, .signatureInvalid].contains($0.kind) }
    }

    mutating func add(_ kind: DigestVerdict, _ detail: String) {
        problems.append(.init(kind: kind, detail: detail))
    }
}

/// The stable chain identifier used in reports.
func chainLabel(_ chain: ChainID) -> String {
    var parts: [String] = []
    if !chain.location.keyPrefix.isEmpty { parts.append(chain.location.keyPrefix) }
    if let org = chain.location.organizationID { parts.append(org) }
    parts.append(chain.location.accountID)
    parts.append(chain.location.region)
    parts.append("\(chain.trailName)@\(chain.homeRegion)")
    return parts.joined(separator: "/") + (chain.isBackfill ? "#backfill" : "")
}
