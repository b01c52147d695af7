import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// Notices are typed values: held once by value, worded only when written, with the caller's
/// names for its inputs; a report is made from the very parts a run hands its consumers.
@Suite struct NoticeTests {
    static let flags = InputNames(
        bucket: "--bucket", start: "--start", end: "--end", headSignature: "--head-signature", publicKeys: "--public-keys",
        allowGaps: "--allow-gaps", reportJSON: "`--report json=PATH`", region: "--region", queryID: "--query-id",
        shard: "--shard", runID: "--run-id", referenceTime: "--reference-time", recheck: "--recheck")

    @Test func aNoticeNamesItsInputsAsTheCallerDoes() {
        let assumed = Notice.bucketAssumed(bucket: "b")
        #expect(assumed.text(.plain).hasPrefix("bucket not given: assumed bucket b, "))
        #expect(assumed.text(Self.flags).hasPrefix("--bucket not given: assumed bucket b, "))
        let link = Notice.linkNotFollowed(digest: "d2", previous: "d1")
        #expect(link.text(Self.flags).hasSuffix("(give --start to assert where coverage must begin)"))
        #expect(!link.text(.plain).contains("--"))
        #expect(Notice.recheck(days: ["2026-01-02"], findings: 1).text(Self.flags)
                    == "--recheck: 1 day folders changed since they were verified (2026-01-02) and were verified again: 1 finding")
    }

    @Test func equalNoticesAreHeldOnceInTheOrderOfTheirWords() {
        let notices: [Notice] = [.recheck(days: ["2026-01-02"], findings: 0), .logFilesOutOfScope(count: 2), .bucketAssumed(bucket: "b"),
                                 .objectsOutsideTrailFolders(count: 3), .bucketAssumed(bucket: "b"), .objectsOutsideTrailFolders(count: 3)]
        // "--bucket …" sorts before "3 objects …"; "bucket …" after; the count of log files not
        // checked, then the recheck, come last whatever their words.
        #expect(Notice.ordered(notices, names: Self.flags)
                    == [.bucketAssumed(bucket: "b"), .objectsOutsideTrailFolders(count: 3), .logFilesOutOfScope(count: 2),
                        .recheck(days: ["2026-01-02"], findings: 0)])
        #expect(Notice.ordered(notices, names: .plain)
                    == [.objectsOutsideTrailFolders(count: 3), .bucketAssumed(bucket: "b"), .logFilesOutOfScope(count: 2),
                        .recheck(days: ["2026-01-02"], findings: 0)])
    }

    @Test func aNoticeReadBackIsTheSentenceItWasWrittenAs() throws {
        let written = try JSONEncoder().encode([Notice.objectsIgnored(folder: "AWSLogs/x/", count: 2)])
        let read = try JSONDecoder().decode([Notice].self, from: written)
        #expect(read == [.recorded("ignored 2 objects under AWSLogs/x/")])
        let scenario = try TrailScenario("notice-read-back") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        var report = try scenario.verify()
        (report.notices, report.inputNames) = ([.bucketAssumed(bucket: "x")], Self.flags)
        let bytes = try JSONReport.encode(report)
        let back = try JSONReport.decode(bytes)
        #expect(back.notices == [.recorded(Notice.bucketAssumed(bucket: "x").text(Self.flags))])
        #expect(back.noticeTexts.first?.hasPrefix("--bucket not given") == true)
        #expect(try JSONReport.encode(back) == bytes, "a report read back is written as it was read")
    }

    /// The report a run returns is the `ReportAssembler`'s, made from the same parts every other
    /// consumer gets: assembling the parts a consumer kept gives the same bytes.
    @Test func theReportIsMadeFromThePartsTheConsumersGet() throws {
        let scenario = try TrailScenario("notice-parts") { $0.hours = 3; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        try scenario.trail.deleteObject(scenario.digests[1].key)
        let plan = try scenario.plan { $0.policy.batchObjectLimit = 1 }
        let kept = KeptParts()
        let (report, _) = try TrailVerifier(plan: plan).runWithHeads(parts: [kept])
        #expect(kept.parts.count > 2 && kept.ended)
        #expect(report.totals.findings > 0 && report.notices.contains { if case .bucketAssumed = $0 { true } else { false } })
        let again = ReportAssembler()
        for part in kept.parts { try again.consume(part) }
        try again.finish(shard: nil)
        #expect(try JSONReport.encode(try #require(again.report)) == JSONReport.encode(report))
        #expect(report.totals.digests == kept.parts.reduce(0) { $0 + $1.findings.digests.count + $1.unlistedValid.digests })
    }
}

/// Keeps every part a run hands over, and whether the run ended.
private final class KeptParts: RunPartConsumer {
    var parts: [RunPart] = []
    var ended = false

    func consume(_ part: RunPart) throws { parts.append(part) }

    func finish(shard: ShardRecord?) throws { ended = true }
}
