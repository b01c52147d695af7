import Synchronization
import Testing
@testable import TrailproofKit
import TrailproofNative

/// The trust rules of docs/threat-model.md, as `RunPlan` applies them: each a unit test of the
/// plan, without the binary.
@Suite struct RunPlanTests {
    /// A request for a directory with nothing else said.
    static func bare(_ path: String = "/nonexistent") -> RunRequest { RunRequest(source: .directory(path: path)) }

    @Test func aLocalCopyWithoutKeysHasNoTrustAnchor() {
        #expect(throws: RunPlanError.noTrustAnchor) { try RunPlan.validate(Self.bare()) }
        let opened = RunRequest(source: .store(KeyListStore([]), isLive: false))
        #expect(throws: RunPlanError.noTrustAnchor) { try RunPlan.validate(opened) }
    }

    @Test func keyFilesAndTheArchivesOwnKeysExcludeEachOther() {
        var request = Self.bare()
        request.keysFromArchive = true
        request.publicKeyFiles = ["keys.json"]
        #expect(throws: RunPlanError.twoTrustAnchors) { try RunPlan.validate(request) }
        request.publicKeyFiles = []
        request.keyRing = (PublicKeyRing(), [])
        #expect(throws: RunPlanError.twoTrustAnchors) { try RunPlan.validate(request) }
    }

    @Test func theArchivesOwnKeysAreNeverTakenFromABucket() {
        var request = RunRequest(source: .s3(bucket: "b", prefix: ""))
        request.keysFromArchive = true
        #expect(throws: RunPlanError.archiveKeysNotFromDirectory) { try RunPlan.validate(request) }
    }

    @Test func anS3SourceNeedsServicesEvenWithKeyFiles() throws {
        var request = RunRequest(source: .s3(bucket: "b", prefix: ""))
        #expect(throws: Never.self) { try RunPlan.validate(request) }
        request.keyRing = (PublicKeyRing(), [])
        #expect(throws: RunPlanError.noServices) { try RunPlan.resolve(request) }
    }

    @Test func aRecheckNeedsAState() {
        var request = Self.bare()
        request.publicKeyFiles = ["k"]
        request.recheck = true
        #expect(throws: RunPlanError.recheckWithoutState) { try RunPlan.validate(request) }
        request.state = TrailState(source: "x")
        #expect(throws: Never.self) { try RunPlan.validate(request) }
    }

    @Test func aWindowMustNotEndBeforeItStarts() {
        var request = Self.bare()
        request.publicKeyFiles = ["k"]
        request.start = UTCTime(parsing: "2026-01-02T00:00:00Z")
        request.end = UTCTime(parsing: "2026-01-01T00:00:00Z")
        #expect(throws: RunPlanError.windowReversed) { try RunPlan.validate(request) }
    }

    @Test func aPlannedReferenceTimeIsForALiveSourceAndNeverAhead() throws {
        var copy = Self.bare()
        copy.publicKeyFiles = ["k"]
        copy.referenceTime = UTCTime(secondsSinceEpoch: 0)
        #expect(throws: RunPlanError.referenceTimeForCopy) { try RunPlan.validate(copy) }
        var live = RunRequest(source: .s3(bucket: "b", prefix: ""), startedAt: try #require(UTCTime(parsing: "2026-01-01T00:00:00Z")))
        live.referenceTime = UTCTime(parsing: "2026-01-01T00:00:01Z")
        #expect(throws: RunPlanError.referenceTimeInFuture(try #require(live.referenceTime))) { try RunPlan.validate(live) }
        live.referenceTime = UTCTime(parsing: "2025-12-31T23:00:00Z")
        #expect(throws: Never.self) { try RunPlan.validate(live) }
    }

    @Test func aShardNeedsARunIDNoStateAndOverS3APlannedReferenceTime() throws {
        var request = RunRequest(source: .s3(bucket: "b", prefix: ""))
        request.shard = Shard(index: 0, count: 2)
        #expect(throws: RunPlanError.shardWithoutRunID) { try RunPlan.validate(request) }
        request.runID = "run-1"
        #expect(throws: RunPlanError.shardWithoutReferenceTime) { try RunPlan.validate(request) }
        request.referenceTime = request.startedAt
        #expect(throws: Never.self) { try RunPlan.validate(request) }
        // Head signatures are matched against every chain's newest unsigned digest at once: a
        // shard, holding some chains, would take another shard's for a finding.
        request.headSignatures = [String(repeating: "ab", count: 256)]
        #expect(throws: RunPlanError.shardWithHeadSignatures) { try RunPlan.validate(request) }
        request.headSignatures = []
        request.state = TrailState(source: "x")
        #expect(throws: RunPlanError.shardWithState) { try RunPlan.validate(request) }
        // A copy's reference time is its own: no planned one is needed.
        var copy = Self.bare()
        copy.publicKeyFiles = ["k"]
        (copy.shard, copy.runID) = (Shard(index: 1, count: 2), "run-1")
        #expect(throws: Never.self) { try RunPlan.validate(copy) }
    }

    @Test func theArchivesOwnKeysAreReadOnlyWhenAskedForAndSaidToBeInsideTheEvidence() throws {
        let scenario = try TrailScenario("plan-archive-keys") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        // Without the key file inside, asking for it is an error, never a run without keys.
        var request = RunRequest(source: .directory(path: scenario.trail.root))
        request.keysFromArchive = true
        #expect(throws: RunPlanError.archiveHoldsNoKeys(source: scenario.trail.root)) { try RunPlan.resolve(request) }
        try LocalFile.write(try LocalFile.readAll(scenario.trail.publicKeysFile, limit: 1 << 20),
                            to: scenario.trail.root + "/" + ArchiveManifest.keysFileName)
        let plan = try RunPlan.resolve(request)
        #expect(plan.trust.isInsideEvidence)
        #expect(plan.trust.ring.count == (try scenario.keyRing()).count)
        let report = try plan.verify().report
        #expect(report.scope.publicKeysFromEvidence)
        #expect(report.totals.exitStatus == 0)
    }

    @Test func theBucketIsTheUsersThenTheTrailsThenTheManifestsAndSaysWhose() throws {
        let scenario = try TrailScenario("plan-bucket") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        #expect(try scenario.plan().scope.bucket == nil, "a bare copy assumes each chain's own")
        try ArchiveManifest(bucket: "from-manifest", prefix: "", start: nil, end: nil, createdAt: .now).write(into: scenario.trail.root)
        #expect(try scenario.plan().scope.bucket == PlannedBucket(name: "from-manifest", origin: .manifest))
        let given = try scenario.plan { $0.bucket = "given" }
        #expect(given.scope.bucket == PlannedBucket(name: "given", origin: .given))
        // The manifest's time is a claim (not the run's clock), and what it claims is checked.
        #expect(given.scope.observedAt?.isLive == false)
        #expect(given.scope.archiveClaim?.bucket == "from-manifest")
    }

    @Test func aLiveSourcesClockIsTheRunsOwnAndAPlannedOneIsMarkedPlanned() throws {
        let started = try #require(UTCTime(parsing: "2026-03-01T00:00:00Z"))
        var request = RunRequest(source: .store(KeyListStore([]), isLive: true), startedAt: started)
        request.keyRing = (PublicKeyRing(), [])
        let own = try RunPlan.resolve(request)
        #expect(own.scope.observedAt?.time == started && own.scope.observedAt?.isPlanned == false)
        request.referenceTime = started.adding(seconds: -3600)
        let planned = try RunPlan.resolve(request)
        #expect(planned.scope.observedAt?.time == started.adding(seconds: -3600) && planned.scope.observedAt?.isPlanned == true)
    }

    /// The plan lists the source once; verifying from the plan does not list it again, not even
    /// a location's own folders (each batch reads its keys from the survey's spill).
    @Test func thePlansSurveyIsTheRunsOnlyWholeListing() throws {
        let scenario = try TrailScenario("plan-list-once") { $0.hours = 3; $0.regions = ["us-east-1", "eu-west-1"] }
        defer { scenario.scratch.remove() }
        let store = ListingCountingStore(try scenario.store)
        let plan = try RunPlan.resolve({
            var request = RunRequest(source: .store(store, isLive: false))
            request.keyRing = (try scenario.keyRing(), [])
            return request
        }())
        #expect(store.wholeListings == 1)
        let report = try plan.verify().report
        #expect(report.totals.exitStatus == 0)
        #expect(report.totals.digests > 0)
        #expect(store.wholeListings == 1, "verify reuses the plan's survey")
        #expect(store.folderListings == 0, "batches read the survey's spill")
    }

    @Test func keyWindowsArePerRegionPaddedByTwoHoursAndFollowTheWindow() throws {
        let keys = [
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T052142Z.json.gz",
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T092142Z.json.gz",
            "AWSLogs/111122223333/CloudTrail-Digest/eu-west-2/2026/01/08/111122223333_CloudTrail-Digest_eu-west-2_t_us-east-1_20260108T062142Z.json.gz",
        ]
        let windows = try ListingSurvey(store: KeyListStore(keys), selection: nil).keyWindows
        #expect(windows.keys.sorted() == ["eu-west-2", "us-east-1"])
        #expect(windows["us-east-1"]?.start.iso8601 == "2026-01-08T02:21:42Z")
        #expect(windows["us-east-1"]?.end.iso8601 == "2026-01-08T11:21:42Z")
        var scope = RunScope()
        scope.start = UTCTime(parsing: "2026-01-08T08:00:00Z")
        #expect(try ListingSurvey(store: KeyListStore(keys), selection: nil, scope: scope).keyWindows.keys.sorted() == ["us-east-1"])
    }

    /// From a store's listing read page by page: the same windows as from the whole listing in one page.
    @Test func keyWindowsFromAStreamedListingAreTheWholeListings() throws {
        let scenario = try TrailScenario("key-windows") { $0.hours = 4; $0.regions = ["us-east-1", "eu-west-2", "ap-south-1"] }
        defer { scenario.scratch.remove() }
        var store = try scenario.store
        store.listingPageSize = 5
        for start in [nil, scenario.digests[2].endTime] {
            var scope = RunScope()
            scope.start = start
            let streamed = try ListingSurvey(store: store, selection: nil, scope: scope).keyWindows
            #expect(streamed.count == 3)
            let whole = try ListingSurvey(store: KeyListStore(try store.listKeys()), selection: nil, scope: scope).keyWindows
            #expect(streamed.mapValues(\.text) == whole.mapValues(\.text))
        }
    }

    /// A recheck from a plan: a changed past day is verified again with no gap at the edges
    /// of the recheck's own window.
    @Test func aRecheckFromAPlanFindsAChangedPastDayWithoutEdgeGaps() throws {
        let scenario = try TrailScenario("plan-recheck") { $0.hours = 50 }
        defer { scenario.scratch.remove() }
        let first = try scenario.plan().run()
        #expect(first.report.totals.exitStatus == 0)
        var state = TrailState(source: scenario.trail.root)
        state.heads = first.heads
        state.days = DayFingerprints.compute(try scenario.store.listObjects(), heads: first.heads)
        #expect(!state.days.isEmpty)
        let victim = scenario.digestWithLogs(1)
        try LocalFile.remove(scenario.trail.root + "/" + victim.logKeys[0])
        let second = try scenario.plan { $0.state = state; $0.recheck = true }.run()
        #expect(second.report.logFiles.contains { $0.key == victim.logKeys[0] && $0.verdict == .missing })
        #expect(!second.report.gaps.contains { [.uncoveredStart, .uncoveredEnd].contains($0.kind) })
        #expect(second.heads == state.heads, "a changed past keeps the heads")
        // The chain's line counts what was verified again, and its counts still add up.
        let chain = try #require(second.report.chains.first)
        #expect((chain.recheckedDigests ?? 0) > 0)
        let counts = ReportCounts(second.report, trust: TrustClassifier(second.report))
        #expect(counts.chains.first?.line.contains("of them verified again (their day folders changed)") == true)
        #expect(counts.chains.map(\.digests.total).reduce(0, +) == counts.digests.total)
    }

    /// A run with a state leaves the log files before each chain's head outside its window,
    /// counted "not checked". When its recheck verifies their day again, it checked them: they
    /// leave that count, and the sentence with it. Before, the summary said "not checked"
    /// beside the recheck's own finding about one of them.
    @Test(arguments: [(seed: UInt64(2), hours: 30, regions: ["us-east-1"]), (seed: 19, hours: 34, regions: ["us-east-1", "eu-west-1"])])
    func logFilesTheRecheckVerifiedLeaveTheCountNotChecked(_ shape: (seed: UInt64, hours: Int, regions: [String])) throws {
        let scenario = try TrailScenario("plan-recheck-out-\(shape.seed)") { $0.seed = shape.seed; $0.hours = shape.hours; $0.regions = shape.regions }
        defer { scenario.scratch.remove() }
        let first = try scenario.plan().run()
        var state = TrailState(source: scenario.trail.root)
        state.heads = first.heads
        state.days = DayFingerprints.compute(try scenario.store.listObjects(), heads: first.heads)
        let quiet = try scenario.plan { $0.state = state; $0.recheck = true }.run()
        #expect(quiet.report.totals.logFilesOutOfScope > 0, "the heads' day before the heads is outside the window")
        #expect(!quiet.report.notices.contains { if case .recheck = $0 { true } else { false } }, "nothing changed")
        // A log file of the heads' day, an hour or more before its head, deleted: that day changed.
        let head = try #require(scenario.trail.primaryDigests.last)
        let victim = try #require(scenario.trail.primaryDigestsWithLogs.last {
            $0.endTime.keyDatePath.sameBytes(as: head.endTime.keyDatePath) && $0.endTime < head.endTime.adding(seconds: -3600)
        })
        try LocalFile.remove(scenario.trail.root + "/" + victim.logKeys[0])
        let second = try scenario.plan { $0.state = state; $0.recheck = true }.run()
        #expect(second.report.logFiles.contains { $0.key.sameBytes(as: victim.logKeys[0]) && $0.verdict == .missing })
        // Every log file left outside the window lies in the heads' day, which the recheck verified.
        #expect(second.report.totals.logFilesOutOfScope == 0, "\(second.report.totals.logFilesOutOfScope) of \(quiet.report.totals.logFilesOutOfScope)")
        #expect(!second.report.notices.contains { if case .logFilesOutOfScope = $0 { true } else { false } })
        let counts = ReportCounts(second.report, trust: TrustClassifier(second.report))
        #expect(counts.logFilesOutOfScope == 0)
        #expect(!TextReport(second.report, verbose: false).summary.contains { $0.contains("outside the requested window") })
    }

    /// An object moved into a date folder before the one a state's run lists from, but named
    /// for a time after it (a genuine digest copied under a new prefix into an old day, a log
    /// file planted in an old day and named after its head), or a stray name there: no run with
    /// the state lists that folder and no day fingerprint holds it (it is dated after the
    /// verified past), so it passed as VERIFIED. Every recheck reports it until it is gone, once
    /// per object even when the old day changed too and its recheck finds it as well. Found by
    /// fuzzing `--state --recheck`.
    @Test(arguments: [(seed: UInt64(6), prefix: "copy/", plantsLogFile: false, changesOldDay: false),
                      (seed: 27, prefix: "", plantsLogFile: true, changesOldDay: false),
                      (seed: 41, prefix: "elsewhere/", plantsLogFile: true, changesOldDay: false),
                      (seed: 8, prefix: "", plantsLogFile: true, changesOldDay: true)])
    func anObjectMovedIntoAFolderNoRunListsIsReportedByEveryRecheck(_ shape: (seed: UInt64, prefix: String, plantsLogFile: Bool, changesOldDay: Bool)) throws {
        let scenario = try TrailScenario("plan-recheck-folder-\(shape.seed)") { $0.seed = shape.seed; $0.hours = 50 }
        defer { scenario.scratch.remove() }
        let first = try scenario.plan().run()
        var state = TrailState(source: scenario.trail.root)
        state.heads = first.heads
        state.days = DayFingerprints.compute(try scenario.store.listObjects(), heads: first.heads)
        let head = try #require(scenario.trail.primaryDigests.last)
        let oldDay = try #require(scenario.trail.primaryDigests.first).endTime.keyDatePath
        #expect(oldDay.bytesPrecede(head.endTime.keyDatePath))
        // Into the first day's folder, each named as it was, or after the head.
        var planted: [String] = []
        if !shape.prefix.isEmpty {  // a new location, with no head
            let copied = shape.prefix + head.key.replacingOccurrences(of: "/\(head.endTime.keyDatePath)/", with: "/\(oldDay)/")
            try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: head.key), limit: 1 << 24), to: scenario.trail.path(of: copied))
            planted.append(copied)
        }
        if shape.plantsLogFile {
            let log = try #require(scenario.trail.logFiles.last)
            let late = head.endTime.adding(seconds: 1800)
            let parts = head.key.split(separator: "/").map(String.init)  // AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/...
            let (account, region) = (parts[1], parts[3])
            let renamed = "\(shape.prefix)AWSLogs/\(account)/CloudTrail/\(region)/\(oldDay)/\(account)_CloudTrail_\(region)_\(late.compact(withSeconds: false))_PlantedInOldDay1.json.gz"
            try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: log.key), limit: 1 << 24), to: scenario.trail.path(of: renamed))
            planted.append(renamed)
        }
        // And an object CloudTrail would never name so, in the same old folder.
        let folder = try #require(scenario.trail.logFiles.first).key.split(separator: "/").dropLast().joined(separator: "/")
        #expect(folder.hasSuffix(oldDay))
        try LocalFile.write(Array("not a log file".utf8), to: scenario.trail.path(of: shape.prefix + folder + "/notes.txt"))
        planted.append(shape.prefix + folder + "/notes.txt")
        #expect(DayFingerprints.compute(try scenario.store.listObjects(), heads: first.heads) == state.days, "no fingerprint holds them")
        if shape.changesOldDay { try LocalFile.remove(scenario.trail.path(of: try #require(scenario.trail.logFiles.first).key)) }
        for attempt in 1...2 {
            let rechecked = try scenario.plan { $0.state = state; $0.recheck = true }.run()
            #expect(rechecked.report.totals.exitStatus == 1, "attempt \(attempt)")
            for key in planted {
                let records = rechecked.report.objects.filter { $0.key.sameBytes(as: key) }
                #expect(records.count == 1 && records.first?.verdict == .unexpected, "attempt \(attempt): \(key) \(records)")
            }
            #expect(rechecked.report.totals.objectFindings == rechecked.report.objects.count)
        }
        // Gone again, nothing is left to report.
        for key in planted { try LocalFile.remove(scenario.trail.path(of: key)) }
        #expect(try scenario.plan { $0.state = state; $0.recheck = true }.run().report.totals.exitStatus == (shape.changesOldDay ? 1 : 0))
    }
}

/// A store that is only a listing.
struct KeyListStore: ObjectStore {
    let keys: [String]
    init(_ keys: [String]) { self.keys = keys }
    var displayName: String { "keys" }
    func listKeys() throws -> [String] { keys }
    func readObject(_ key: String, limit: Int) throws -> [UInt8]? { nil }
    func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool { false }
    func savedSignature(for key: String) throws -> SavedSignature? { nil }
}

/// A store that counts its whole listings (not the per-folder ones).
final class ListingCountingStore: ObjectStore {
    let inner: DirectoryStore
    private let count = Mutex(0)
    init(_ inner: DirectoryStore) { self.inner = inner }
    var wholeListings: Int { count.withLock { $0 } }
    private let folders = Mutex(0)
    var folderListings: Int { folders.withLock { $0 } }
    var displayName: String { inner.displayName }
    func listKeys() throws -> [String] {
        count.withLock { $0 += 1 }
        return try inner.listKeys()
    }
    func forEachListingPage(_ body: ([String]) throws -> Void) throws {
        count.withLock { $0 += 1 }
        try inner.forEachListingPage(body)
    }
    func listKeys(under folder: String) throws -> [String] {
        folders.withLock { $0 += 1 }
        return try inner.listKeys(under: folder)
    }
    func readObject(_ key: String, limit: Int) throws -> [UInt8]? { try inner.readObject(key, limit: limit) }
    func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        try inner.streamObject(key, restart: restart, body)
    }
    func savedSignature(for key: String) throws -> SavedSignature? { try inner.savedSignature(for: key) }
}
