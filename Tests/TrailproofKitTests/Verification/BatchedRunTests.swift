import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A run verifies bucket locations a batch at a time: however the locations are cut into
/// batches, the report is the same, and a report that counts valid log files without listing
/// them differs from the full one by exactly those records.
@Suite struct BatchedRunTests {
    static func report(_ scenario: TrailScenario, batchLimit: Int, listsValid: Bool = true, shard: Shard? = nil) throws -> VerificationReport {
        try scenario.verify {
            $0.batchObjectLimit = batchLimit
            $0.listsValidLogFiles = listsValid
            $0.shard = shard
            $0.workers = 2
        }
    }

    @Test(arguments: ShardMergeTests.tamperings)
    func everyCutGivesTheSameReport(_ tampering: ShardMergeTests.Tampering) throws {
        let scenario = try ShardMergeTests.scenario(tampering, label: "batches")
        defer { scenario.scratch.remove() }
        let whole = try Self.report(scenario, batchLimit: .max)
        let expected = String(decoding: try JSONReport.encode(whole), as: UTF8.self)
        // One location a batch, about two, about three.
        for limit in [1, 40, 50] {
            let actual = String(decoding: try JSONReport.encode(try Self.report(scenario, batchLimit: limit)), as: UTF8.self)
            #expect(actual == expected, "limit \(limit): \(ShardMergeTests.firstDifference(Array(actual.utf8), Array(expected.utf8)))")
        }

        // Without --list-valid: the same report less the valid log files' records; the same counts.
        let counted = try Self.report(scenario, batchLimit: 1, listsValid: false)
        #expect(!counted.scope.listsValidLogFiles)
        #expect(!counted.logFiles.contains { $0.verdict == .valid })
        var trimmed = whole
        trimmed.logFiles.removeAll { $0.verdict == .valid }
        trimmed.scope.listsValidLogFiles = false
        let countedText = String(decoding: try JSONReport.encode(counted), as: UTF8.self)
        let trimmedText = String(decoding: try JSONReport.encode(trimmed), as: UTF8.self)
        #expect(countedText == trimmedText, "\(ShardMergeTests.firstDifference(Array(countedText.utf8), Array(trimmedText.utf8)))")
        #expect(whole.totals.logFilesValid > 0)

        // Shards that count valid log files merge to the same counts.
        let shards = try (0..<3).map { try Self.report(scenario, batchLimit: 30, listsValid: false, shard: Shard(index: $0, count: 3)) }
        let mergedText = String(decoding: try JSONReport.encode(ReportMerge.merge(shards)), as: UTF8.self)
        #expect(mergedText == countedText, "\(ShardMergeTests.firstDifference(Array(mergedText.utf8), Array(countedText.utf8)))")
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
        // A folder that is not there, or that would leave the root, lists nothing or is refused.
        #expect(try store.listKeys(under: "AWSLogs/000000000000/CloudTrail/us-east-1/").isEmpty)
        #expect(throws: StoreError.self) { try store.listKeys(under: "../") }
    }
}
