import Testing
@testable import TrailproofKit

@Suite struct MarkdownReportTests {
    /// 120 planted objects and 30 unreferenced log files listed before one modified log file, one
    /// missing digest, one unproven log file and one gap.
    static func floodedReport() -> VerificationReport {
        let start = UTCTime(secondsSinceEpoch: 1_767_225_600)
        let hour = TimeSpan(start: start, end: start.adding(seconds: 3600))
        let folder = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/"
        func log(_ name: String, _ verdict: LogFileVerdict) -> LogFileRecord {
            LogFileRecord(key: folder + name, bucket: "b", digest: nil, verdict: verdict, detail: verdict.rawValue, expectedSHA256: nil,
                          actualSHA256: nil, uncompressedBytes: nil, time: start)
        }
        let objects = (0..<120).map { ObjectRecord(key: folder + "planted-\($0)", verdict: .unexpected, detail: "not a CloudTrail name") }
        let logFiles = (0..<30).map { log("unreferenced-\($0).json.gz", .unreferenced) } + [log("changed.json.gz", .modified), log("unproven.json.gz", .unverified)]
        let digest = DigestRecord(key: "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/d.json.gz", bucket: "b", chain: "c", span: hour,
                                  verdict: .missing, problems: [.init(kind: .missing, detail: "deleted")], signatureSource: nil,
                                  publicKeyFingerprint: nil, logFileCount: 0, namedKey: nil, referencedBy: nil, inferred: false)
        let gap = GapRecord(chain: "c", kind: .chainRestart, span: hour, detail: "no coverage", digestBefore: nil, digestAfter: nil)
        var totals = VerificationReport.Totals()
        totals.findings = objects.count + logFiles.count + 2
        totals.exitStatus = 1
        return VerificationReport(
            tool: .init(name: "trailproof", version: "t"),
            scope: .init(source: "/r", bucket: "b", bucketAssumed: false, start: nil, end: nil, digestEndTimeWindow: nil, publicKeyFingerprints: [],
                         publicKeySources: [], publicKeysFromEvidence: false, referenceTime: nil, trailARN: nil, gapsAllowed: false),
            chains: [], digests: [digest], logFiles: logFiles, gaps: [gap], objects: objects, notices: [], totals: totals)
    }

    @Test func aCappedFindingsTableShowsTamperingMissingObjectsAndGapsBeforePlantedOnes() throws {
        let report = Self.floodedReport()
        let markdown = String(decoding: MarkdownReport.render(report), as: UTF8.self)
        let table = try #require(markdown.components(separatedBy: "### Findings").dropFirst().first?.components(separatedBy: "### Coverage").first)
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Severity") }
        #expect(rows.count == MarkdownReport.findingLimit)
        let severities = rows.map { $0.dropFirst(2).prefix { $0 != " " } }
        #expect(Array(severities.prefix(4)) == ["tampered", "missing", "gap", "unproven"])
        #expect(severities.count > 4)
        #expect(severities.dropFirst(4).allSatisfy { $0 == "planted" })
        #expect(rows[0].contains("changed.json.gz") && rows[1].contains("d.json.gz") && rows[2].contains("no coverage"))
        // What the table leaves out is counted by kind.
        #expect(table.contains("…and 104 more findings (104 planted)"), "\(table)")
    }

    @Test func theHTMLReportListsFindingsInTheSameOrder() {
        let report = Self.floodedReport()
        let html = String(decoding: HTMLReport.render(report, run: RunRecord(
            commandLine: ["trailproof"], startedAt: UTCTime(secondsSinceEpoch: 0), endedAt: UTCTime(secondsSinceEpoch: 1), host: "h",
            jsonReportSHA256: "00", jsonReportPath: nil)), as: UTF8.self)
        let order = ["changed.json.gz", "d.json.gz", "no coverage", "unproven.json.gz", "unreferenced-0.json.gz", "planted-0"]
        let positions = order.compactMap { html.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
    }
}
