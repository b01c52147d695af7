/// What a plan may ask of AWS: S3 for a source read in place, CloudTrail for public keys, and
/// who the run signs as. The CLI builds it from its settings; nil plans only local sources.
public struct RunServices: Sendable {
    /// The S3 client a source `s3://…` is read with.
    public var s3: S3Client
    /// ListPublicKeys, when no key file is given.
    public var publicKeys: CloudTrailPublicKeys
    /// The endpoints and identity of the run, given the bucket read and the regions keys were
    /// asked in (GetCallerIdentity may be asked once).
    public var authorities: @Sendable (_ bucket: String?, _ keyRegions: [String]) -> RunAuthorities?

    /// Creates services.
    public init(s3: S3Client, publicKeys: CloudTrailPublicKeys,
                authorities: @escaping @Sendable (_ bucket: String?, _ keyRegions: [String]) -> RunAuthorities?) {
        self.s3 = s3
        self.publicKeys = publicKeys
        self.authorities = authorities
    }
}

/// Why a request cannot be planned: each a rule of docs/threat-model.md (exit status 2). The
/// descriptions name no flag; the CLI words them in its own terms.
public enum RunPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A local copy with no trust anchor: no key file, and the archive's own keys not asked for.
    case noTrustAnchor
    /// Key files and the archive's own keys both given: one trust anchor only.
    case twoTrustAnchors
    /// The archive's own keys asked for a source that is not an archive directory.
    case archiveKeysNotFromDirectory
    /// The archive's own keys asked for, and the archive holds no key file.
    case archiveHoldsNoKeys(source: String)
    /// A source over S3 needs AWS services, and none were given.
    case noServices
    /// A recheck of the past needs the state it compares with.
    case recheckWithoutState
    /// A sharded run without the id every shard of its run shares.
    case shardWithoutRunID
    /// A sharded run with a state file: a state follows whole chains.
    case shardWithState
    /// A sharded run with head signatures: they are matched against every chain's newest
    /// unsigned digest at once, and a shard holds only some chains.
    case shardWithHeadSignatures
    /// A sharded run of an archive, whose manifest makes claims about every chain at once.
    case shardOfAnArchive
    /// A sharded run over S3 without a planned reference time.
    case shardWithoutReferenceTime
    /// A planned reference time for a copy (its reference time is its window's end or its manifest's).
    case referenceTimeForCopy
    /// A planned reference time later than the run's own clock.
    case referenceTimeInFuture(UTCTime)
    /// A window that ends before it starts.
    case windowReversed

    public var description: String {
        switch self {
        case .noTrustAnchor:
            return "no public keys for a local copy: give key files (save them with `trailproof keys`), or trust the keys saved inside an archive explicitly"
        case .twoTrustAnchors: return "key files and the archive's own keys exclude each other: choose one trust anchor"
        case .archiveKeysNotFromDirectory: return "the archive's own keys are for a directory made by `trailproof archive`, not for s3://"
        case .archiveHoldsNoKeys(let source): return "\(source) holds no \(ArchiveManifest.keysFileName)"
        case .noServices: return "an s3:// source needs AWS credentials and endpoints"
        case .recheckWithoutState: return "a recheck compares with a state file: none given"
        case .shardWithoutRunID: return ShardError.noRunID.description
        case .shardWithState: return "a sharded run cannot use a state file: a state follows whole chains from run to run"
        case .shardWithHeadSignatures:
            return "a sharded run cannot take head signatures: each is matched against the newest unsigned digest of every chain at once, and a shard holds only some chains"
        case .shardOfAnArchive: return "this archive's manifest makes claims about every chain at once: verify it whole, not in shards"
        case .shardWithoutReferenceTime:
            return "a sharded run over s3:// needs a reference time chosen when the run is planned, the same for every shard"
        case .referenceTimeForCopy: return "a planned reference time is for s3://: a directory's reference time is its window's end or its archive manifest's creation time"
        case .referenceTimeInFuture(let time): return "the reference time \(time.iso8601) is later than this machine's clock"
        case .windowReversed: return "the window ends before it starts"
        }
    }
}
