import TrailproofNative

/// Verifies every digest chain and log file in an object store and reports what it finds.
///
/// Integrity problems are findings in the returned report; a thrown error means the run could
/// not verify at all (no digests, unreadable store).
public struct TrailVerifier: Sendable {
    /// The store holding the trail's objects.
    public let store: ObjectStore
    /// The public keys to check signatures with.
    public let keys: PublicKeyRing
    /// Policy and tuning.
    public let options: VerificationOptions
    /// What the plan decided the run covers and believes.
    public let scope: RunScope
    /// The keys and where they came from.
    let trust: TrustAnchor
    /// The plan's survey of the store's listing, when it made one.
    private let survey: ListingSurvey?
    /// How the caller names its inputs, for the sentences the run writes.
    let names: InputNames

    /// A verifier for what `plan` decided.
    public init(plan: RunPlan) {
        store = plan.store
        keys = plan.trust.ring
        options = plan.policy
        scope = plan.scope
        trust = plan.trust
        survey = plan.survey
        names = plan.request.inputNames
    }

    /// Runs the whole verification.
    /// - Parameter progress: called from any thread as work advances.
    /// - Throws: `VerifierError` or `StoreError` when nothing can be verified.
    public func run(progress: (@Sendable (VerificationProgress) -> Void)? = nil) throws -> VerificationReport {
        try runWithHeads(progress: progress).report
    }

    /// Runs the whole verification and also returns each chain's head for the next run (see
    /// `run(into:consumer:progress:)`); the report is made by a `ReportAssembler` from the parts
    /// `parts` also receive.
    public func runWithHeads(consumer: (any VerifiedLogFileConsumer)? = nil,
                             progress: (@Sendable (VerificationProgress) -> Void)? = nil,
                             parts: [any RunPartConsumer] = []) throws
        -> (report: VerificationReport, heads: [ObjectKey: TrailState.Head]) {
        let assembler = ReportAssembler()
        let heads = try run(into: [assembler] + parts, consumer: consumer, progress: progress)
        guard let report = assembler.report else { preconditionFailure("a run ends with its report") }
        return (report, heads)
    }

    /// Runs the whole verification: what it finds goes, once, to `parts`, part by part as it is
    /// found, then the end of the run; returns each chain's head for the next run: the newest
    /// digest of the unbroken run of valid digests, each with only valid log files, after the
    /// previous head (a failure keeps the head before it, so it is verified, and reported, again).
    ///
    /// Memory does not grow with the trail: the listing is streamed once to find the bucket
    /// locations (`ListingSurvey`, which keeps the trail objects' keys on disk), then locations
    /// are verified a batch at a time, each read back from there, and a batch leaves behind
    /// only its findings, its chains' summaries and its
    /// digests' records (valid log files are counted, and listed only with
    /// `listsValidLogFiles`).
    /// - Parameters:
    ///   - parts: take, on this thread, what each batch of locations found as soon as it is
    ///     found, then what needs every batch, then what belongs to no location, then the end.
    ///   - consumer: takes every valid log file's content from verification's own read, in
    ///     release order (see `VerifiedLogFileConsumer`).
    public func run(into parts: [any RunPartConsumer], consumer: (any VerifiedLogFileConsumer)? = nil,
                    progress: (@Sendable (VerificationProgress) -> Void)? = nil) throws -> [ObjectKey: TrailState.Head] {
        progress?(.listing)
        let survey = try self.survey ?? ListingSurvey(store: store, selection: scope.trailSelection, scope: scope)
        guard survey.digestCount > 0 else {
            throw VerifierError.noDigests(source: store.displayName, objects: survey.keyCount)
        }
        // --head-signature values are matched against the unsigned digests of every chain at once.
        let limit = scope.headSignatures.isEmpty ? options.batchObjectLimit : Int.max
        var batches = LocationBatch.plan(survey.locations, counts: survey.countsByLocation, logFilesByDay: survey.logFilesByDay,
                                         objectLimit: limit)
        var shardRecord: ShardRecord?
        if let shard = scope.shard {
            let units = LocationBatch.shardUnits(of: batches).map(\.id)
            let owned = shard.owned(of: units)
            shardRecord = ShardRecord(index: shard.index, count: shard.count, locations: units.filter { owned.contains(ObjectKey($0)) },
                                      listingFingerprint: Shard.fingerprint(of: units), locationsListed: units.count)
            batches = LocationBatch.owned(batches, units: owned)
        }
        func deliver(_ part: RunPart) throws {
            for consumer in parts { try consumer.consume(part) }
        }
        // Kept for what needs every batch's chains (`ChainEndsEarly`): their summaries and gaps.
        var chainsAndGaps: [VerificationReport] = []
        var heads = scope.verifiedHeads
        let tally = progress.map { RunProgress($0, totals: (digests: survey.digestCount, logFiles: survey.logFileCount)) }
        // Batches overlap (one's listing and accounting while another hashes), except when
        // valid files go to a consumer, which takes them in order.
        let planned = batches, newestObjectTime = survey.newestObjectTime
        try pipelined(count: planned.count, inFlight: consumer == nil ? options.batchesInFlight : 1, produce: { index in
            Result { try verify(planned[index], spill: survey.spill, newestObjectTime: newestObjectTime, consumer: consumer,
                                progress: tally?.reporter(for: index)) }
        }, consume: { index, outcome in
            let (part, batchHeads, digestsLoaded, cutLocation) = try outcome.get()
            try deliver(part)
            if let cutLocation, var record = shardRecord {
                record.cutLocations = (record.cutLocations ?? []) + [cutLocation]
                shardRecord = record
            }
            if shardRecord == nil {
                var kept = part.findings
                (kept.digests, kept.logFiles, kept.objects, kept.notices) = ([], [], [], [])
                chainsAndGaps.append(kept)
            }
            heads.merge(batchHeads) { _, new in new }
            if let tally {
                let hashed = part.logFilesHashed
                tally.finish(index, digests: digestsLoaded, logFiles: hashed.listed, bytes: hashed.bytes)
            }
            Allocator.releaseFreed()
        })
        // What belongs to no location: stray and ignored objects, and the archive's own claims
        // (in a sharded run, shard 0 has them).
        let ownsOthers = shardRecord.map { $0.index == 0 } ?? true
        var others = ownsOthers ? survey.others : TrailInventory()
        others.listingNewestTime = survey.newestObjectTime
        var rest = RunState(inventory: others, loadContext: loadContext)
        if ownsOthers {
            findUnexpectedObjects(in: &rest)
            checkArchiveCreation(in: &rest)
        }
        // Chains of one trail may lie in different batches: whether one ends early is decided
        // over all of them (and, in a sharded run, by the merge over every shard's).
        if shardRecord == nil, let endsEarly = ChainEndsEarly.part(after: chainsAndGaps) {
            try deliver(RunPart(findings: endsEarly))
        }
        try deliver(assemblePart(from: rest))
        for consumer in parts { try consumer.finish(shard: shardRecord) }
        return heads
    }

    /// Verifies one batch of locations: its report part, its chains' heads, how many digests it
    /// loaded, and for a location cut by date folder, the digests it saw there.
    private func verify(_ batch: LocationBatch, spill: ListingSpill?, newestObjectTime: UTCTime?, consumer: (any VerifiedLogFileConsumer)?,
                        progress: (@Sendable (VerificationProgress) -> Void)?) throws
        -> (part: RunPart, heads: [ObjectKey: TrailState.Head], digestsLoaded: Int, cutLocation: CutLocationDigests?) {
        var inventory = TrailInventory(keys: try batch.listKeys(in: store, spill: spill), selection: scope.trailSelection)
            .restricted(to: Set(batch.locations), keepsOthers: false)
        inventory.listingNewestTime = newestObjectTime
        var run = try verify(inventory, cutAt: batch, spill: spill, consumer: consumer, progress: progress)
        run.logRecords = VerificationReport.oneRecordPerUnverifiedLogFile(VerificationReport.sortedLogFiles(run.logRecords))
        var part = assemblePart(from: run)
        if !batch.reportsDigests {
            // Another shard reports this location's digests, chains, gaps and objects, and
            // counts its valid digests.
            (part.findings.chains, part.findings.digests, part.findings.gaps, part.findings.objects) = ([], [], [], [])
            (part.unlistedValid.digests, part.unlistedValid.digestSignatureSources) = (0, [:])
        }
        let cutLocation = try batch.logDaySlices.flatMap { _ in scope.shard.flatMap { _ in batch.locations.first } }.map {
            try CutLocationDigests(location: $0, loaded: run.loaded, endingBy: CutLocationDigests.cutoff(observedAt: scope.observedAt))
        }
        return (part, nextHeads(from: run), run.loaded.count, cutLocation)
    }

    /// What loading a digest needs.
    private var loadContext: LoadedDigest.Context {
        LoadedDigest.Context(store: store, keys: keys, sizeLimit: options.digestSizeLimit,
                             gate: LargeObjectGate(smallAllowance: options.digestSmallAllowance))
    }

    /// How far beyond a group of date folders the digests whose lists count as listing its log
    /// files reach: CloudTrail lists a log file in the digest ending within the hour after it.
    static let listingReach: Int64 = 2 * 3600

    /// Verifies the chains and log files of one batch of locations. The digests are verified
    /// whole; for a location cut by date folder (`batch.logDaySlices`), its log files are then
    /// listed, hashed and accounted for one group of folders at a time, each group with the
    /// digests ending in its days (the first group from the start of time, the last to its end).
    func verify(_ inventory: TrailInventory, cutAt batch: LocationBatch, spill: ListingSpill?,
                consumer: (any VerifiedLogFileConsumer)?,
                progress: (@Sendable (VerificationProgress) -> Void)?) throws -> RunState {
        var context = loadContext
        context.buildsLogFilesOnLoad = batch.logDaySlices == nil
        context.listSpill = context.buildsLogFilesOnLoad ? nil : DigestListSpill()
        var run = RunState(inventory: inventory, loadContext: context)
        // A cut location's groups of log files are each listed while the work before them is
        // done (the first while the digests are verified).
        let slices = batch.logDaySlices ?? []
        let owned = slices.indices.filter { batch.ownedSlices?.contains($0) ?? true }
        let (store, selection) = (self.store, scope.trailSelection)
        let listing = { (index: Int) in
            Prefetch { try batch.listLogFiles(in: store, days: slices[index], spill: spill, selection: selection) }
        }
        var next = owned.first.map(listing)
        defer { _ = try? next?.value() }
        try loadDigests(into: &run, progress: progress)
        decideBuckets(in: &run)
        try checkSignatures(in: &run)
        checkLinks(in: &run)
        run.dropChainLinks()
        if batch.logDaySlices != nil, let location = batch.locations.first {
            // Each group's lists, jobs and unlisted files are worked out while the group before
            // is hashed (one group hashed at a time, so a consumer still gets files in order),
            // unless work is not to overlap (over S3, where each holds its transfers).
            let overlaps = options.batchesInFlight > 1
            var hashing: Prefetch<LogHashCheck.Results>?
            defer { _ = try? hashing?.value() }
            for (position, index) in owned.enumerated() {
                let days = slices[index]
                // Folders come from keys whose date parts parsed as a date.
                let start = { (folder: String) in UTCTime(dateFolder: folder) ?? UTCTime(secondsSinceEpoch: 0) }
                let span = DigestEndSpan(from: index == 0 ? nil : start(days[0]),
                                         to: index + 1 == slices.count ? nil : start(slices[index + 1][0]))
                let jobs = try groupJobs(in: &run, location: location, logFiles: try next!.value(), ending: span,
                                         inReleaseOrder: consumer != nil)
                // The next group is listed while this one is hashed (its listing released first).
                next = owned.indices.contains(position + 1) ? listing(owned[position + 1]) : nil
                if let previous = hashing {
                    hashing = nil
                    run.add(try previous.value())
                    // What the group before freed, in every thread's arena: without this, a
                    // location of a thousand groups keeps each arena as full as its fullest group.
                    Allocator.releaseFreed()
                }
                if overlaps {
                    hashing = Prefetch { [self] in try hashLogFiles(jobs, consumer: consumer, progress: progress) }
                } else {
                    run.add(try hashLogFiles(jobs, consumer: consumer, progress: progress))
                    Allocator.releaseFreed()
                }
            }
            if let last = hashing {
                hashing = nil
                run.add(try last.value())
            }
            run.inventory.logFilesByLocation = [location: []]  // held, not kept
        } else {
            try buildLogFileLists(in: &run)
            let listed = try checkLogFiles(in: &run, consumer: consumer, progress: progress)
            findUnreferencedLogFiles(in: &run, listed: listed)
        }
        findCoverageEdgeGaps(in: &run)
        findOrphanSidecars(in: &run)
        checkArchiveClaim(in: &run)
        return run
    }

    /// One group of a cut location's log files (`logFiles`, listed): the lists of the digests
    /// ending within reach of `span` are built, the log files listed by those ending in it become
    /// jobs (or records), and every log file of the group that no authentic digest lists is
    /// accounted for. Returns the jobs; the group's listing and lists are let go of here, so that
    /// only its jobs are held while it is hashed.
    private func groupJobs(in run: inout RunState, location: TrailLocation, logFiles: TrailInventory, ending span: DigestEndSpan,
                           inReleaseOrder: Bool) throws -> [LogHashCheck.Job] {
        run.inventory.logFilesByLocation = [location: logFiles.logFilesByLocation[location] ?? []]
        defer { run.inventory.logFilesByLocation = [location: []] }
        try buildLogFileLists(in: &run, ending: span.widened(by: Self.listingReach))
        let (jobs, listed) = logFileJobs(in: &run, inReleaseOrder: inReleaseOrder, ending: span)
        findUnreferencedLogFiles(in: &run, listed: listed)
        return jobs
    }
}

/// The working state of one run.
struct RunState {
    /// What the run verifies (a cut location's log files change as it goes).
    var inventory: TrailInventory
    var loaded: [LoadedDigest] = []
    var indexByKey: [ObjectKey: Int] = [:]
    /// Loaded digests by the chain their key places them in.
    var indicesByChain: [ChainID: [Int]] = [:]
    /// Loaded digests by the key they name (digestS3Object).
    var indicesByNamedKey: [ObjectKey: [Int]] = [:]
    /// Loaded digests by the key of the previous digest they name.
    var successorsByPreviousKey: [ObjectKey: [Int]] = [:]
    var bucketByChain: [ChainID: String] = [:]
    var checks: [DigestCheck] = []
    var missing: [DigestRecord] = []
    var missingKeys: Set<ObjectKey> = []
    var logRecords: [LogFileRecord] = []
    /// Valid log files counted without a record (see `VerificationOptions.listsValidLogFiles`).
    var unlistedValid = UnlistedValidRecords()
    var gaps: [GapRecord] = []
    var objects: [ObjectRecord] = []
    var notices: [Notice] = []
    /// Unlisted log files outside the requested window (counted, not reported one by one).
    var logFilesOutOfScope = 0
    /// Of those, the ones before their location's head in the state, by delivery minute.
    var logFilesBeforeHeads: [UTCTime: Int] = [:]
    /// What loading a digest needs.
    let loadContext: LoadedDigest.Context

    init(inventory: TrailInventory, loadContext: LoadedDigest.Context) {
        self.inventory = inventory
        self.loadContext = loadContext
    }

    /// Lets go of what only the chain checks (signatures, links) need, once they are done: each
    /// digest's link to its predecessor and saved signature, and the indexes that follow links.
    mutating func dropChainLinks() {
        for index in loaded.indices { loaded[index].dropChainLinks() }
        indicesByNamedKey = [:]
        successorsByPreviousKey = [:]
    }

    /// Takes in what hashing a group of log files found.
    mutating func add(_ results: LogHashCheck.Results) {
        logRecords += results.records
        unlistedValid.add(results.unlistedValid)
    }
}

/// What was established about one loaded digest.
struct DigestCheck {
    var problems: [DigestRecord.Problem] = []
    var signatureHex: String?
    var signatureSource: SignatureSource?
    /// The digest whose previousDigestSignature supplied the signature.
    var signatureCarrier: Int?
    /// True when the saved signature was refused (its sources disagree): no other source is tried.
    var signatureRejected = false

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
