extension RunPlan {
    /// Decides what a run trusts and reads, applying the rules of docs/threat-model.md, and
    /// lists the source once (the survey, which also gives the regions and spans whose public
    /// keys are needed).
    /// - Parameter services: AWS, for a source over S3 and for ListPublicKeys.
    /// - Throws: `RunPlanError` for a request that breaks a rule; `KeyFileError`, `StoreError`,
    ///   `AWSRequestError` when an input cannot be read.
    public static func resolve(_ request: RunRequest, services: RunServices? = nil) throws -> RunPlan {
        try validate(request)
        var scope = RunScope()
        scope.start = request.start
        scope.end = request.end
        scope.headSignatures = request.headSignatures
        scope.trailSelection = request.trailSelection
        scope.shard = request.shard
        scope.runID = request.runID
        scope.verifiedHeads = request.state?.heads ?? [:]
        if let given = request.bucket {
            scope.bucket = PlannedBucket(name: given, origin: .given)
        } else if let trail = request.trailSelection?.trail.bucket {
            scope.bucket = PlannedBucket(name: trail, origin: .trail)
        }
        let clock = request.referenceTime.map { Observation(time: $0, isLive: true, isPlanned: true) }
            ?? Observation(time: request.startedAt, isLive: true)

        let store: any ObjectStore
        var trust: TrustAnchor?
        switch request.source {
        case .s3(let bucket, let prefix):
            guard let services else { throw RunPlanError.noServices }
            store = S3Store(bucket: bucket, prefix: prefix, client: services.s3,
                            listFrom: listFrom(start: request.start, heads: scope.verifiedHeads))
            scope.bucket = scope.bucket ?? PlannedBucket(name: bucket, origin: .source)
            scope.observedAt = clock
        case .directory(let path):
            var directory = try DirectoryStore(root: path)
            // With a state, the listing starts at the oldest head's day (a window does not narrow
            // what a directory lists: an archive's claim is checked against everything it holds).
            directory.listFrom = listFrom(start: nil, heads: scope.verifiedHeads)
            if request.keysFromArchive {
                guard let keysPath = try directory.path(for: ArchiveManifest.keysFileName) else {
                    throw RunPlanError.archiveHoldsNoKeys(source: path)
                }
                let (ring, sources) = try KeyFiles.load([keysPath], fromArchive: true)
                trust = TrustAnchor(ring: ring, sources: sources)
            } else {
                trust = try givenKeys(request)
            }
            let (claim, findings) = ArchiveManifest.claim(in: directory, givenKeys: request.keysFromArchive ? nil : trust?.ring ?? PublicKeyRing())
            scope.priorFindings = findings
            if let claim {
                if request.shard != nil { throw RunPlanError.shardOfAnArchive }
                scope.archiveClaim = claim
                scope.observedAt = Observation(time: claim.createdAt, isLive: false)
                scope.bucket = scope.bucket ?? PlannedBucket(name: claim.bucket, origin: .manifest)
            }
            store = directory
        case .store(let given, let isLive):
            store = given
            if isLive { scope.observedAt = clock }
        }

        // The one listing of the source's keys a plan makes (each batch lists its own folders
        // again when its turn comes: see README, "Requests").
        let survey = try ListingSurvey(store: store, selection: request.trailSelection, scope: scope)
        if trust == nil { trust = try givenKeys(request) }
        if trust == nil {
            guard let services else { throw RunPlanError.noTrustAnchor }
            trust = try TrustAnchor.resolve(files: [], windows: survey.keyWindows, api: services.publicKeys)
        }
        guard var anchor = trust else { throw RunPlanError.noTrustAnchor }
        if case .s3(let bucket, _) = request.source, let services {
            anchor.authorities = services.authorities(bucket, anchor.listedRegions)
        }
        return RunPlan(store: store, trust: anchor, scope: scope, policy: request.policy, request: request, survey: survey)
    }

    /// The keys the request gives itself (files or an in-process ring); nil when it gives none.
    private static func givenKeys(_ request: RunRequest) throws -> TrustAnchor? {
        if let given = request.keyRing { return TrustAnchor(ring: given.ring, sources: given.sources) }
        guard !request.publicKeyFiles.isEmpty else { return nil }
        let (ring, sources) = try KeyFiles.load(request.publicKeyFiles)
        return TrustAnchor(ring: ring, sources: sources)
    }

    /// The rules a request must keep before anything is read (`resolve` applies them first; a
    /// command line may apply them before it reaches for AWS).
    /// - Throws: `RunPlanError`.
    public static func validate(_ request: RunRequest) throws {
        let givesKeys = !request.publicKeyFiles.isEmpty || request.keyRing != nil
        if request.keysFromArchive && givesKeys { throw RunPlanError.twoTrustAnchors }
        switch request.source {
        case .s3:
            if request.keysFromArchive { throw RunPlanError.archiveKeysNotFromDirectory }
        case .directory:
            if !request.keysFromArchive && !givesKeys { throw RunPlanError.noTrustAnchor }
        case .store(_, let isLive):
            if request.keysFromArchive { throw RunPlanError.archiveKeysNotFromDirectory }
            if !givesKeys && !isLive { throw RunPlanError.noTrustAnchor }
        }
        if let start = request.start, let end = request.end, end < start { throw RunPlanError.windowReversed }
        if request.recheck && request.state == nil { throw RunPlanError.recheckWithoutState }
        if let reference = request.referenceTime {
            guard request.isLive else { throw RunPlanError.referenceTimeForCopy }
            guard reference <= request.startedAt else { throw RunPlanError.referenceTimeInFuture(reference) }
        }
        if request.shard != nil {
            if request.state != nil { throw RunPlanError.shardWithState }
            if !request.headSignatures.isEmpty { throw RunPlanError.shardWithHeadSignatures }
            if request.runID == nil { throw RunPlanError.shardWithoutRunID }
            if request.isLive && request.referenceTime == nil { throw RunPlanError.shardWithoutReferenceTime }
        }
    }

    /// The day a listing may start at: a day before the window's start (the predecessor of the
    /// oldest digest in scope, and older digests that show a restart, must be seen), and the
    /// delivery deadline before the oldest head of a state (older objects were verified before;
    /// a log file delivered just before a head may still be listed by the digest after it). Nil
    /// lists everything.
    public static func listFrom(start: UTCTime?, heads: [ObjectKey: TrailState.Head]) -> UTCTime? {
        let fromStart = start?.adding(seconds: -S3Store.listingMargin)
        let fromHeads = heads.values.map(\.endTime).min()?.adding(seconds: -VerificationOptions.digestDeliveryDeadline)
        return [fromStart, fromHeads].compactMap { $0 }.min()
    }
}
