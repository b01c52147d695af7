import Testing
@testable import TrailproofKit
import TrailproofTrailGen

@Suite struct ReportTests {
    @Test func theJSONReportRoundTripsWithItsSchemaVersionAndTotals() throws {
        let scenario = try TrailScenario("json")
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.trail.logFiles[0].key)
        let report = try scenario.verify()
        let bytes = try JSONReport.encode(report)
        let decoded = try JSONReport.decode(bytes)
        #expect(decoded.schemaVersion == 2)
        #expect(decoded.totals.exitStatus == 1)
        #expect(decoded.totals.logFilesByVerdict["modified"] == 1)
        #expect(decoded.digests.count == report.digests.count)
        #expect(decoded.chains.first?.coverage == report.chains.first?.coverage)
        let text = String(decoding: bytes, as: UTF8.self)
        for field in ["\"schemaVersion\"", "\"scope\"", "\"chains\"", "\"digests\"", "\"logFiles\"", "\"gaps\"", "\"totals\"", "\"verdict\" : \"modified\""] {
            #expect(text.contains(field), "\(field)")
        }
        #expect(try JSONReport.encode(report) == bytes, "stable output")
    }

    @Test func theTextSummarySpeaksLikeTheAWSCLI() throws {
        let scenario = try TrailScenario("text") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.trail.logFiles[0].key)
        let report = try scenario.verify()
        let text = TextReport(report, verbose: false)
        let logs = report.totals.logFilesByVerdict.values.reduce(0, +)
        #expect(text.summary.contains("4/4 digest files valid"))
        #expect(text.summary.contains("\(logs - 1)/\(logs) log files valid, 1 modified"))
        #expect(text.summary.contains { $0.hasPrefix("Results found for ") })
        #expect(text.problems.contains { $0.hasPrefix("trailproof: log-file modified: s3://\(scenario.spec.bucket)/\(scenario.trail.logFiles[0].key)") })
        #expect(text.summary.last == "Result: INTEGRITY PROBLEMS FOUND (1): 1 log file modified")
    }

    @Test func verboseTextHasALineForEveryFile() throws {
        let scenario = try TrailScenario("verbose") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify { $0.listEveryValidRecord() }
        let lines = TextReport(report, verbose: true).summary
        #expect(lines.filter { $0.hasPrefix("digest valid ") }.count == 3)
        #expect(lines.filter { $0.hasPrefix("log-file valid ") }.count == scenario.trail.logFiles.count)
        // The file lines come first: the summary and its verdict end the output (a CI log's tail).
        #expect(lines.last == "Result: VERIFIED", "\(lines.suffix(3))")
        let lastFileLine = lines.lastIndex { $0.hasPrefix("digest ") || $0.hasPrefix("log-file ") } ?? lines.count
        #expect(lastFileLine < lines.firstIndex { $0.hasPrefix("Results requested") } ?? -1)
    }
}

extension ReportTests {
    @Test func anAssumedBucketIsNotedOnceNotOncePerChain() throws {
        let scenario = try TrailScenario("assumed-once") { $0.hours = 2; $0.regions = ["us-east-1", "eu-west-2"]; $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        for batchLimit in [5_000, 1] {
            let report = try scenario.verify { $0.policy.batchObjectLimit = batchLimit }
            #expect(report.chains.count == 4)
            #expect(report.notices.filter { if case .bucketAssumed = $0 { true } else { false } }.count == 1, "\(report.noticeTexts)")
        }
    }

    @Test func theReportSaysWhenTheBucketWasAssumed() throws {
        let scenario = try TrailScenario("assumed") { $0.hours = 2; $0.bucket = "assumed-bucket-name" }
        defer { scenario.scratch.remove() }
        let assumed = try scenario.verify()
        #expect(assumed.scope.bucketAssumed)
        #expect(assumed.notices.contains(.bucketAssumed(bucket: "assumed-bucket-name")))
        let given = try scenario.verify { $0.bucket = "assumed-bucket-name" }
        #expect(!given.scope.bucketAssumed)
        #expect(given.scope.bucket == "assumed-bucket-name")
        #expect(!given.noticeTexts.contains { $0.contains("assumed bucket") })
        #expect(given.totals.exitStatus == 0)
    }
}
