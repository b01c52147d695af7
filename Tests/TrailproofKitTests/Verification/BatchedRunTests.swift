import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A run verifies bucket locations a batch at a time: however the locations are cut into
/// batches, the report is the same, and a report that counts valid log files without listing
/// them differs from the full one by exactly those records.
@Suite struct BatchedRunTests {
    static func report(_ scenario: TrailScenario, batchLimit: Int, listsValid: Bool = true, shard: Shard? = nil,
                       inFlight: Int = 2) throws -> VerificationReport {
        try scenario.verify {
            $0.policy.batchObjectLimit = batchLimit
            $0.policy.batchesInFlight = inFlight
            $0.policy.listsValidLogFiles = listsValid
            $0.policy.listsValidDigests = listsValid
            $0.shard = shard
            $0.runID = "run-1"
            $0.policy.workers = 2
        }
    }

    @Test(arguments: ShardMergeTests.tamperings)
    func everyCutGivesTheSameReport(_ tampering: ShardMergeTests.Tampering) throws {
        let scenario = try ShardMergeTests.scenario(tampering, label: "batches")
        defer { scenario.scratch.remove() }
        let whole = try Self.report(scenario, batchLimit: .max)
        let expected = String(decoding: try JSONReport.encode(whole), as: UTF8.self)
        // One location a batch, about two, about three; batches one at a time or overlapping.
        for (limit, inFlight) in [(1, 1), (1, 2), (1, 3), (40, 2), (50, 1), (50, 2)] {
            let actual = String(decoding: try JSONReport.encode(try Self.report(scenario, batchLimit: limit, inFlight: inFlight)), as: UTF8.self)
            #expect(actual == expected, "limit \(limit), \(inFlight) in flight: \(ShardMergeTests.firstDifference(Array(actual.utf8), Array(expected.utf8)))")
        }

        // Without --list-valid: the same report less the valid digests' and log files' records;
        // the same counts, signature sources included.
        let counted = try Self.report(scenario, batchLimit: 1, listsValid: false)
        #expect(!counted.scope.listsValidLogFiles && !counted.scope.listsValidDigests)
        #expect(!counted.logFiles.contains { $0.verdict == .valid } && !counted.digests.contains { $0.verdict == .valid })
        var trimmed = whole
        trimmed.logFiles.removeAll { $0.verdict == .valid }
        trimmed.digests.removeAll { $0.verdict == .valid }
        trimmed.scope.listsValidLogFiles = false
        trimmed.scope.listsValidDigests = false
        #expect(whole.totals.signatureSources == whole.signatureSources && !(whole.totals.signatureSources ?? [:]).isEmpty)
        let countedText = String(decoding: try JSONReport.encode(counted), as: UTF8.self)
        let trimmedText = String(decoding: try JSONReport.encode(trimmed), as: UTF8.self)
        #expect(countedText == trimmedText, "\(ShardMergeTests.firstDifference(Array(countedText.utf8), Array(trimmedText.utf8)))")
        #expect(whole.totals.logFilesValid > 0)

        // Shards that count valid log files merge to the same counts.
        let shards = try (0..<3).map { try Self.report(scenario, batchLimit: 30, listsValid: false, shard: Shard(index: $0, count: 3)) }
        let mergedText = String(decoding: try JSONReport.encode(ReportMerge.merge(shards)), as: UTF8.self)
        #expect(mergedText == countedText, "\(ShardMergeTests.firstDifference(Array(mergedText.utf8), Array(countedText.utf8)))")
    }

    /// Tamperings at the midnight where a location larger than a batch is cut.
    static let midnightTamperings: [ShardMergeTests.Tampering] = {
        typealias Tampering = ShardMergeTests.Tampering
        let first = firstAfterMidnight, withLogs = digestWithLogs
        return [
            Tampering(name: "valid"),
            Tampering(name: "modified-log-after-midnight", tamper: { try $0.trail.modifyLogFile(withLogs($0, first($0)).logKeys[0]) }),
            Tampering(name: "deleted-log-before-midnight", tamper: { scenario in
                let digest = scenario.digests[..<first(scenario)].last { !$0.logKeys.isEmpty }
                try scenario.trail.deleteObject(try #require(digest?.logKeys.last))
            }),
            Tampering(name: "deleted-digest-at-midnight", tamper: { try $0.trail.deleteObject($0.digests[first($0)].key) }),
            Tampering(name: "deleted-digests-across-midnight", tamper: { scenario in
                for digest in scenario.digests[(first(scenario) - 2)...(first(scenario) + 1)] { try scenario.trail.deleteObject(digest.key) }
            }),
            Tampering(name: "modified-digest-before-midnight", tamper: { try $0.trail.modifyDigest($0.digests[first($0) - 1].key) }),
            Tampering(name: "stripped-signature-before-midnight", tamper: { try $0.trail.stripSignature($0.digests[first($0) - 1].key) }),
            Tampering(name: "planted-logs-around-midnight", tamper: { scenario in
                let midnight = try #require(UTCTime(dateFolder: scenario.digests[first(scenario)].endTime.keyDatePath))
                _ = try scenario.trail.plantLogFile(at: midnight.adding(seconds: -300))
                _ = try scenario.trail.plantLogFile(at: midnight.adding(seconds: 120), seed: 7)
            }),
            Tampering(name: "restart-across-midnight", configure: { $0.stopLogging = (afterHour: 17, hours: 4) }),
            Tampering(name: "deleted-newest-with-logs", tamper: { scenario in
                for digest in scenario.digests.suffix(2) {
                    try scenario.trail.deleteObject(digest.key)
                    for key in digest.logKeys { try scenario.trail.deleteObject(key) }
                }
            }),
            Tampering(name: "not-yet-covered", tamper: { if let newest = $0.digests.last { _ = try $0.trail.plantLogFile(at: newest.endTime.adding(seconds: 900)) } }),
        ]
    }()

    /// The survey keeps the listing's trail objects on disk (`ListingSpill`) and each batch reads
    /// its locations' keys back from there: exactly what listing the locations' folders again
    /// gives, byte for byte, whole, one location a batch, and cut into date folders.
    @Test(arguments: midnightTamperings)
    func theSpilledListingGivesWhatListingAgainGives(_ tampering: ShardMergeTests.Tampering) throws {
        let scenario = try TrailScenario("spill-\(tampering.name)") { spec in
            spec.seed = 190 + UInt64(Self.midnightTamperings.firstIndex { $0.name == tampering.name } ?? 0)
            spec.hours = 30
            spec.logFilesPerHour = 1...3
            spec.regions = ["us-east-1", "ap-south-1"]
            tampering.configure(&spec)
        }
        defer { scenario.scratch.remove() }
        try tampering.tamper(scenario)
        // A signature sidecar left behind by a deleted digest (an orphan, found through the spill).
        let orphaned = scenario.digests[scenario.digests.count / 3].key
        try LocalFile.remove(scenario.trail.root + "/" + orphaned)
        for limit in [1, 25, .max] {
            let plan = try scenario.plan {
                $0.policy.batchObjectLimit = limit
                $0.policy.listsValidLogFiles = true
                $0.policy.listsValidDigests = true
            }
            let survey = try #require(plan.survey)
            #expect(survey.spill != nil)
            let relisted = try ListingSurvey(store: plan.store, selection: plan.scope.trailSelection, scope: plan.scope, spillingTo: nil)
            #expect(relisted.spill == nil)
            let listingAgain = RunPlan(store: plan.store, trust: plan.trust, scope: plan.scope, policy: plan.policy,
                                       request: plan.request, survey: relisted)
            let spilled = String(decoding: try JSONReport.encode(try TrailVerifier(plan: plan).run()), as: UTF8.self)
            let expected = String(decoding: try JSONReport.encode(try TrailVerifier(plan: listingAgain).run()), as: UTF8.self)
            #expect(spilled == expected, "limit \(limit): \(ShardMergeTests.firstDifference(Array(spilled.utf8), Array(expected.utf8)))")
            #expect(spilled.contains("\"logFilesValid\""))
            #expect(spilled.contains(orphaned + ".metadata.json"), "the orphan sidecar is reported")
        }
    }

    /// The first digest ending after the first midnight.
    @Sendable static func firstAfterMidnight(_ scenario: TrailScenario) -> Int {
        scenario.digests.firstIndex { $0.endTime.keyDatePath != scenario.digests[0].endTime.keyDatePath } ?? 1
    }

    /// The first digest from `index` on that lists log files.
    @Sendable static func digestWithLogs(_ scenario: TrailScenario, from index: Int) -> GeneratedDigest {
        scenario.digests[index...].first { !$0.logKeys.isEmpty } ?? scenario.digests[index]
    }

    @Test(arguments: midnightTamperings)
    func aLocationCutByDateFolderGivesTheSameReport(_ tampering: ShardMergeTests.Tampering) throws {
        let scenario = try TrailScenario("cut-\(tampering.name)") { spec in
            spec.seed = 90 + UInt64(Self.midnightTamperings.firstIndex { $0.name == tampering.name } ?? 0)
            spec.hours = 54
            spec.logFilesPerHour = 1...2
            spec.regions = ["us-east-1", "eu-west-2"]
            tampering.configure(&spec)
        }
        defer { scenario.scratch.remove() }
        try tampering.tamper(scenario)
        let whole = try Self.report(scenario, batchLimit: .max)
        let expected = String(decoding: try JSONReport.encode(whole), as: UTF8.self)
        // Each location its own batch, cut into single days (1), and into groups of days (70).
        for limit in [1, 70] {
            let actual = String(decoding: try JSONReport.encode(try Self.report(scenario, batchLimit: limit)), as: UTF8.self)
            #expect(actual == expected, "limit \(limit): \(ShardMergeTests.firstDifference(Array(actual.utf8), Array(expected.utf8)))")
        }
        #expect(LocationBatch.plan(whole.chains.map(\.chain.location), counts: [whole.chains[0].chain.location: .init(logFiles: 100, digests: 54)],
                                   logFilesByDay: [whole.chains[0].chain.location: ["2026/01/08": 40, "2026/01/09": 40, "2026/01/10": 20]],
                                   objectLimit: 70).first?.logDaySlices == [["2026/01/08"], ["2026/01/09", "2026/01/10"]])
        // Shards that deal out the days of a location merge to the same report.
        for count in [2, 3, 5] {
            let shards = try (0..<count).map { try Self.report(scenario, batchLimit: 1, shard: Shard(index: $0, count: count)) }
            #expect(shards[0].shard?.locationsListed == 6)
            let merged = String(decoding: try JSONReport.encode(try ReportMerge.merge(shards)), as: UTF8.self)
            #expect(merged == expected, "N=\(count): \(ShardMergeTests.firstDifference(Array(merged.utf8), Array(expected.utf8)))")
        }
        // The cut happens: each location of this trail is cut into its three days.
        let survey = try ListingSurvey(store: try scenario.store, selection: nil)
        let batches = LocationBatch.plan(survey.locations, counts: survey.countsByLocation, logFilesByDay: survey.logFilesByDay, objectLimit: 1)
        #expect(batches.count == 2 && batches.allSatisfy { $0.logDaySlices?.count == 3 }, "\(batches)")
        // The tampering took (a signature the chain still supplies, and an end that is not asked for, are no findings).
        if !["valid", "not-yet-covered", "stripped-signature-before-midnight", "deleted-newest-with-logs"].contains(tampering.name) {
            #expect(whole.totals.exitStatus == 1, "the tampering took")
        }
    }

    /// Overlapping batches hand over the same parts, in the same order, as batches one at a
    /// time, each on the calling thread; so do the chains' heads for a state file.
    @Test func overlappingBatchesHandOverTheSamePartsInOrder() throws {
        let scenario = try ShardMergeTests.scenario(ShardMergeTests.tamperings[1], label: "in-flight")
        defer { scenario.scratch.remove() }
        func parts(inFlight: Int) throws -> (parts: [String], heads: [ObjectKey: TrailState.Head]) {
            var options = VerificationOptions()
            (options.batchObjectLimit, options.batchesInFlight, options.workers) = (1, inFlight, 2)
            let recorder = PartRecorder()
            let result = try plannedVerifier(try scenario.store, keys: try scenario.keyRing(), policy: options)
                .runWithHeads(parts: [recorder])
            #expect(recorder.onCallingThread && recorder.finished)
            return (recorder.parts, result.heads)
        }
        let one = try parts(inFlight: 1)
        #expect(one.parts.count == 5)  // four locations, then what belongs to none
        for inFlight in [2, 4] {
            let overlapping = try parts(inFlight: inFlight)
            #expect(overlapping.parts == one.parts)
            #expect(overlapping.heads == one.heads)
        }
    }

    @Test func locationsAreCutInSortedOrderAndNeverSplit() {
        let locations = (0..<5).map { TrailLocation(keyPrefix: "", organizationID: nil, accountID: "11112222333\($0)", region: "us-east-1") }
        let counts = Dictionary(uniqueKeysWithValues: locations.enumerated().map { ($1, ListingSurvey.Counts(logFiles: 10 * $0, digests: 1)) })
        let batches = LocationBatch.plan(locations.reversed(), counts: counts, objectLimit: 25)
        // 1, 11, 21, 31, 41 objects: [1, 11], [21], [31], [41].
        #expect(batches.map { $0.locations.map(\.accountID.last) } == [["0", "1"], ["2"], ["3"], ["4"]])
        #expect(batches.flatMap(\.locations) == locations)
        #expect(LocationBatch.plan(locations, counts: counts, objectLimit: .max).count == 1)
        #expect(LocationBatch.plan([], counts: [:], objectLimit: 1).isEmpty)
    }

    /// The listing is streamed in pages and each location listed on its own: both see exactly
    /// the keys of the whole listing (links and stray files included).
    @Test func pagesAndFoldersListWhatTheWholeListingHolds() throws {
        let scenario = try TrailScenario("batches-listing") { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"]; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        let root = scenario.trail.root
        try LocalFile.makeDirectories(root + "/elsewhere")
        try LocalFile.write(Array("x".utf8), to: root + "/elsewhere/stray.txt")
        var store = try scenario.store
        store.listingPageSize = 7
        let whole = try store.listKeys()
        var pages: [[String]] = []
        try store.forEachListingPage { pages.append($0) }
        #expect(pages.count == (whole.count + 6) / 7)
        #expect(pages.flatMap { $0 }.sorted() == whole.sorted())
        let survey = try ListingSurvey(store: store, selection: nil)
        #expect(survey.locations.count == 4)
        #expect(survey.keyCount == whole.count)
        var inFolders: [String] = []
        for location in survey.locations {
            for folder in LocationBatch.folders(of: location) { inFolders += try store.listKeys(under: folder) }
        }
        let trailKeys = whole.filter { !$0.hasPrefix("elsewhere/") }
        #expect(inFolders.sorted() == trailKeys.sorted())
        // A folder that is not there, or that would leave the root, lists nothing.
        #expect(try store.listKeys(under: "AWSLogs/000000000000/CloudTrail/us-east-1/").isEmpty)
        #expect(try store.listKeys(under: "../").isEmpty)
        #expect(try store.listKeys(under: "AWSLogs/../AWSLogs/").isEmpty)
        #expect(try store.listKeys(under: "./AWSLogs/").isEmpty)
        #expect(try store.listKeys(under: "../\(URL(fileURLWithPath: root).lastPathComponent)/AWSLogs/").isEmpty)
    }

    /// A trail under a directory whose name no key may carry (a backslash) is listed and
    /// verified as any other, batch or no batch; its objects are findings, the run goes on.
    @Test func aLocationUnderAHostileDirectoryNameIsStillVerified() throws {
        let scenario = try TrailScenario("batches-hostile-folder") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let planted = try scenario.trail.plantLogFile(at: scenario.digests[1].startTime.adding(seconds: 300))
        try scenario.trail.moveObject(planted, to: "odd\\name/" + planted)
        for limit in [1, Int.max] {
            let report = try Self.report(scenario, batchLimit: limit)
            #expect(report.logFiles.contains { $0.key == "odd\\name/" + planted && $0.verdict == .unreferenced }, "limit \(limit)")
            #expect(report.totals.exitStatus == 1)
        }
    }
}

/// Records each part a run hands over (as JSON), on which thread, and whether the run ended.
private final class PartRecorder: RunPartConsumer {
    private let caller = pthread_self()
    var parts: [String] = []
    var onCallingThread = true
    var finished = false

    func consume(_ part: RunPart) throws {
        onCallingThread = onCallingThread && pthread_equal(pthread_self(), caller) != 0
        #expect(!finished, "a part after the end")
        parts.append(String(decoding: try JSONReport.encode(part.findings), as: UTF8.self))
    }

    func finish(shard: ShardRecord?) throws {
        finished = true
    }
}
