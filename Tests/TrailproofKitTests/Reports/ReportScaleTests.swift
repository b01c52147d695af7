import Testing
@testable import TrailproofKit

/// The human reports stay usable at organization scale: 10,000 digests and 1,000 findings.
@Suite struct ReportScaleTests {
    /// 14 chains of about 715 hourly digests (10,010 in all) and 1,000 modified log files.
    static func largeReport() -> VerificationReport {
        let start = UTCTime(year: 2026, month: 1, day: 1, hour: 0, minute: 21, second: 42)!
        var chains: [ChainSummary] = []
        var digests: [DigestRecord] = []
        var logFiles: [LogFileRecord] = []
        for account in ["111122223333", "444455556666"] {
            for region in ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-2"] {
                let id = ChainID(location: TrailLocation(keyPrefix: "", organizationID: nil, accountID: account, region: region),
                                 trailName: "org", homeRegion: "us-east-1", isBackfill: false)
                let label = "\(account)/\(region)/org@us-east-1"
                for hour in 0..<715 {
                    let end = start.adding(seconds: Int64(hour + 1) * 3600)
                    let key = "AWSLogs/\(account)/CloudTrail-Digest/\(region)/\(end.keyDatePath)/\(account)_CloudTrail-Digest_\(region)_org_us-east-1_\(end.compact(withSeconds: true)).json.gz"
                    digests.append(DigestRecord(key: key, bucket: "b", chain: label, span: TimeSpan(start: end.adding(seconds: -3600), end: end),
                                                verdict: .valid, problems: [], signatureSource: .s3Metadata, publicKeyFingerprint: "ab",
                                                logFileCount: 1, namedKey: nil, referencedBy: nil, inferred: false))
                    if logFiles.count < 1000 && hour % 10 == 3 {
                        let log = "AWSLogs/\(account)/CloudTrail/\(region)/\(end.keyDatePath)/\(account)_CloudTrail_\(region)_\(end.compact(withSeconds: false))_X\(hour).json.gz"
                        logFiles.append(LogFileRecord(key: log, bucket: "b", digest: key, verdict: .modified, detail: "SHA-256 differs",
                                                      expectedSHA256: String(repeating: "a", count: 64), actualSHA256: String(repeating: "b", count: 64),
                                                      uncompressedBytes: 1000, time: end))
                    }
                }
                chains.append(ChainSummary(id: label, chain: id, bucket: "b", digests: 715, validDigests: 715, newestDigest: nil,
                                           oldestDigest: nil, coverage: [TimeSpan(start: start, end: start.adding(seconds: 715 * 3600))]))
            }
        }
        var totals = VerificationReport.Totals()
        totals.chains = chains.count
        totals.digests = digests.count
        totals.digestsValid = digests.count
        totals.logFiles = logFiles.count
        totals.findings = logFiles.count
        totals.exitStatus = 1
        return VerificationReport(
            tool: .init(name: "trailproof", version: "test"),
            scope: .init(source: "s3://b/", bucket: "b", bucketAssumed: false, start: nil, end: nil, digestEndTimeWindow: nil,
                         publicKeyFingerprints: ["ab"], publicKeySources: ["key file k.json (SHA-256 00)"], publicKeysFromEvidence: false,
                         referenceTime: nil, trailARN: nil, gapsAllowed: false),
            chains: chains, digests: digests, logFiles: logFiles, gaps: [], objects: [], notices: [], totals: totals)
    }

    @Test func tenThousandDigestsAndAThousandFindingsMakeAnHTMLReportUnderFiveMegabytes() throws {
        let report = Self.largeReport()
        #expect(report.digests.count == 10_010)
        #expect(report.logFiles.count == 1000)
        let run = RunRecord(commandLine: ["trailproof", "verify"], startedAt: UTCTime(secondsSinceEpoch: 0), endedAt: UTCTime(secondsSinceEpoch: 1),
                            host: "h", jsonReportSHA256: "00", jsonReportPath: nil)
        let html = HTMLReport.render(report, run: run)
        #expect(html.count < 5_000_000, "\(html.count) bytes")
        let text = String(decoding: html, as: UTF8.self)
        for record in report.logFiles { #expect(text.contains(record.key)) }
        // Every chain has its timeline: one cell per hour (715 hours fit without grouping).
        #expect(text.components(separatedBy: "<svg class=\"timeline\"").count - 1 == 14)
    }

    @Test func aYearOfHoursIsGroupedWithoutHidingAProblemHour() throws {
        let start = UTCTime(year: 2025, month: 1, day: 1)!
        let id = ChainID(location: TrailLocation(keyPrefix: "", organizationID: nil, accountID: "111122223333", region: "us-east-1"),
                         trailName: "t", homeRegion: "us-east-1", isBackfill: false)
        var digests: [DigestRecord] = []
        for hour in 0..<8760 {
            let end = start.adding(seconds: Int64(hour + 1) * 3600)
            digests.append(DigestRecord(key: "k\(hour)", bucket: "b", chain: "c", span: TimeSpan(start: end.adding(seconds: -3600), end: end),
                                        verdict: hour == 4321 ? .signatureInvalid : .valid, problems: [], signatureSource: nil,
                                        publicKeyFingerprint: nil, logFileCount: 0, namedKey: nil, referencedBy: nil, inferred: false))
        }
        let report = VerificationReport(
            tool: .init(name: "trailproof", version: "t"),
            scope: .init(source: "x", bucket: nil, bucketAssumed: true, start: nil, end: nil, digestEndTimeWindow: nil, publicKeyFingerprints: [],
                         publicKeySources: [], publicKeysFromEvidence: false, referenceTime: nil, trailARN: nil, gapsAllowed: false),
            chains: [ChainSummary(id: "c", chain: id, bucket: "b", digests: 8760, validDigests: 8759, newestDigest: nil, oldestDigest: nil, coverage: [])],
            digests: digests, logFiles: [], gaps: [], objects: [], notices: [], totals: .init())
        let timeline = CoverageTimeline(chain: report.chains[0], report: report)
        #expect(timeline.cells.count <= CoverageTimeline.maximumCells)
        #expect(timeline.hoursPerCell == 12)
        #expect(timeline.cells.filter { $0 == .invalid }.count == 1, "the one failed hour's cell stays red")
        #expect(timeline.marks.map(\.span.end) == [start.adding(seconds: 4322 * 3600)])
    }

    @Test func aPlantedDigestInTheYear9999KeepsTheTimelineSmall() throws {
        let start = UTCTime(year: 2026, month: 1, day: 1)!
        let far = UTCTime(year: 9999, month: 12, day: 31, hour: 23)!
        let id = ChainID(location: TrailLocation(keyPrefix: "", organizationID: nil, accountID: "111122223333", region: "us-east-1"),
                         trailName: "t", homeRegion: "us-east-1", isBackfill: false)
        let digests = [
            DigestRecord(key: "a", bucket: "b", chain: "c", span: TimeSpan(start: start, end: start.adding(seconds: 3600)), verdict: .valid,
                         problems: [], signatureSource: nil, publicKeyFingerprint: nil, logFileCount: 0, namedKey: nil, referencedBy: nil, inferred: false),
            DigestRecord(key: "z", bucket: "b", chain: "c", span: TimeSpan(start: far.adding(seconds: -3600), end: far), verdict: .signatureUnavailable,
                         problems: [], signatureSource: nil, publicKeyFingerprint: nil, logFileCount: 0, namedKey: nil, referencedBy: nil, inferred: false),
        ]
        let report = VerificationReport(
            tool: .init(name: "trailproof", version: "t"),
            scope: .init(source: "x", bucket: nil, bucketAssumed: true, start: nil, end: nil, digestEndTimeWindow: nil, publicKeyFingerprints: [],
                         publicKeySources: [], publicKeysFromEvidence: false, referenceTime: nil, trailARN: nil, gapsAllowed: false),
            chains: [ChainSummary(id: "c", chain: id, bucket: "b", digests: 2, validDigests: 1, newestDigest: nil, oldestDigest: nil, coverage: [])],
            digests: digests, logFiles: [], gaps: [], objects: [], notices: [], totals: .init())
        let timeline = CoverageTimeline(chain: report.chains[0], report: report)
        #expect(timeline.cells.count <= CoverageTimeline.maximumCells)
        // A directory's digest without a signature could not be verified (no S3 metadata in a copy).
        #expect(timeline.cells.last == .notVerifiable)
        let svg = TimelineSVG.render(timeline)
        #expect(svg.utf8.count < 20_000, "\(svg.utf8.count) bytes")
    }
}

