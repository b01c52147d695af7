import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The verdict sentence: what was found, class by class, with missing trust inputs (a public key,
/// a local copy's signature) set apart as "not verifiable" and never described as tampering.
@Suite struct VerdictTests {
    static let run = RunRecord(commandLine: ["trailproof"], startedAt: UTCTime(secondsSinceEpoch: 0), endedAt: UTCTime(secondsSinceEpoch: 1),
                               host: "h", jsonReportSHA256: "00", jsonReportPath: nil)

    /// Every format's statement of the verdict: the text `Result:` line, the HTML banner, the
    /// Markdown heading and summary, the JUnit `verdict` property.
    struct Statements {
        let result: String
        let html: String
        let banner: String
        let markdownHeading: String
        let markdown: String
        let junit: String

        init(_ report: VerificationReport) throws {
            result = try #require(TextReport(report, verbose: false).summary.last)
            html = String(decoding: HTMLReport.render(report, run: VerdictTests.run), as: UTF8.self)
            banner = try #require(html.components(separatedBy: "id=\"verdict\">").dropFirst().first?.components(separatedBy: "</p>").first)
            markdown = String(decoding: MarkdownReport.render(report), as: UTF8.self)
            markdownHeading = try #require(markdown.split(separator: "\n").first.map(String.init))
            junit = String(decoding: JUnitReport.render(report, run: VerdictTests.run), as: UTF8.self)
        }

        /// Words that describe tampering.
        var describesTampering: Bool {
            [result, banner, markdown].contains { $0.contains("INTEGRITY PROBLEMS") || $0.contains("modified, deleted") || $0.contains("Not verified:") }
        }
    }

    /// A two-region trail verified with the keys of one region only.
    @Test func aRegionWithoutItsPublicKeyIsNotVerifiableAndNamesTheFix() throws {
        let scenario = try TrailScenario("verdict-no-key") { $0.regions = ["us-east-1", "eu-west-2"]; $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let full = try scenario.verify { $0.listEveryValidRecord() }
        let euFingerprints = Set(full.digests.filter { $0.chain.contains("eu-west-2") }.compactMap(\.publicKeyFingerprint))
        #expect(!euFingerprints.isEmpty)
        let ring = PublicKeyRing(keys: try scenario.keyRing().keys.filter { !euFingerprints.contains($0.fingerprint) })
        let report = try plannedVerifier(try scenario.store, keys: ring).run()
        #expect(report.totals.exitStatus == 1, "never verified")

        let verdict = Verdict(report)
        #expect(verdict.outcome == .notVerifiable)
        #expect(verdict.findings.isEmpty, "\(verdict.findings)")
        let missing = try #require(verdict.notVerifiable.first)
        #expect(verdict.notVerifiable.count == 1)
        #expect(missing.reason == .noPublicKey && missing.region == "eu-west-2")
        #expect(missing.digests == report.digests.filter { $0.verdict == .publicKeyNotFound }.count)
        // The region's log files: unverified, and the newest one, which would have waited for the next digest.
        #expect(missing.logFiles == report.logFiles.filter(\.verdict.isFinding).count)
        #expect(report.logFiles.contains { $0.verdict == .unreferenced })
        #expect(missing.text.hasPrefix("no public key for eu-west-2 from "))
        #expect(missing.text.hasSuffix("; give public keys for it, see `trailproof keys`)"), "the library's own words: no flag")
        var named = report
        named.inputNames.publicKeys = "--keys-flag"
        #expect(try #require(Verdict(named).notVerifiable.first).text.hasSuffix("; give --keys-flag for it, see `trailproof keys`)"))

        let said = try Statements(report)
        #expect(said.result == "Result: NOT VERIFIABLE (\(report.totals.findings)): \(missing.text)")
        #expect(said.banner.hasPrefix("Not verifiable: no public key for eu-west-2"))
        #expect(said.html.contains("<p class=\"verdict warn\" id=\"verdict\">"), "not the red banner of tampering")
        #expect(said.html.contains("<title>CloudTrail integrity report: not verifiable</title>"))
        #expect(said.markdownHeading.hasPrefix("## trailproof: NOT VERIFIABLE (\(report.totals.findings)): no public key for eu-west-2"))
        #expect(said.junit.contains("<property name=\"verdict\" value=\"NOT VERIFIABLE (\(report.totals.findings)): no public key for eu-west-2"))
        #expect(!said.describesTampering, "\(said.result)\n\(said.banner)")
        // The counts say the same: nothing invalid, the region's digests and log files not verifiable.
        #expect(verdict.counts.digests.invalid == 0 && verdict.counts.digests.notVerifiable == missing.digests)
        #expect(verdict.counts.logFiles.unverified == 0 && verdict.counts.logFiles.notVerifiable == missing.logFiles)
    }

    /// A plain copy (`aws s3 sync`) keeps no S3 metadata: each chain's newest digest has no signature.
    @Test func aLocalCopyWithoutSignaturesIsNotVerifiableButOverS3ItIsTampering() throws {
        let scenario = try TrailScenario("verdict-sync") { $0.metadataSidecars = .none; $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify()
        #expect(report.totals.exitStatus == 1)
        let verdict = Verdict(report)
        #expect(verdict.outcome == .notVerifiable)
        let missing = try #require(verdict.notVerifiable.first)
        #expect(missing.reason == .noSignature && missing.digests == 1)
        #expect(missing.text.hasPrefix("no signature for a digest of this local copy (1 digest, \(missing.logFiles) log file"))
        #expect(missing.text.contains("give head signature, "))
        let said = try Statements(report)
        #expect(said.result.hasPrefix("Result: NOT VERIFIABLE (\(report.totals.findings)): no signature for a digest of this local copy"))
        #expect(!said.describesTampering, "\(said.result)\n\(said.banner)")

        // The same records read over S3: a digest without its signature metadata is tampering there.
        var overS3 = report
        overS3.scope.source = "s3://\(scenario.spec.bucket)/"
        let s3Verdict = Verdict(overS3)
        #expect(s3Verdict.outcome == .integrityProblems)
        #expect(s3Verdict.notVerifiable.isEmpty)
        #expect(s3Verdict.findingsText.hasPrefix("1 digest signature-unavailable"), "\(s3Verdict.findingsText)")
        #expect(try Statements(overS3).result.hasPrefix("Result: INTEGRITY PROBLEMS FOUND (\(report.totals.findings)): 1 digest signature-unavailable"))
    }

    @Test func tamperingIsSaidClassByClassMostSevereFirst() throws {
        let scenario = try TrailScenario("verdict-classes") { $0.hours = 6; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        let logs = scenario.trail.logFiles.filter { $0.digestKey != nil && $0.key.contains("/CloudTrail/us-east-1/") }
        try scenario.trail.modifyLogFile(logs[0].key)
        try scenario.trail.modifyLogFile(logs[1].key)
        try scenario.trail.deleteObject(logs[2].key)
        let report = try scenario.verify { $0.listEveryValidRecord() }
        let verdict = Verdict(report)
        #expect(verdict.outcome == .integrityProblems)
        #expect(verdict.findingsText == "2 log files modified, 1 log file missing")
        let said = try Statements(report)
        #expect(said.result == "Result: INTEGRITY PROBLEMS FOUND (3): 2 log files modified, 1 log file missing")
        #expect(said.banner.hasPrefix("Not verified: 2 log files modified, 1 log file missing."))
        #expect(said.markdownHeading == "## trailproof: INTEGRITY PROBLEMS FOUND (3): 2 log files modified, 1 log file missing")
        #expect(said.junit.contains("<property name=\"verdict\" value=\"INTEGRITY PROBLEMS FOUND (3): 2 log files modified, 1 log file missing\"/>"))

        // Tampering and a missing key together: both said, tampering first, the key apart and never as tampering.
        let euFingerprints = Set(report.digests.filter { $0.chain.contains("eu-west-2") }.compactMap(\.publicKeyFingerprint))
        let ring = PublicKeyRing(keys: try scenario.keyRing().keys.filter { !euFingerprints.contains($0.fingerprint) })
        let mixed = Verdict(try plannedVerifier(try scenario.store, keys: ring).run())
        #expect(mixed.outcome == .integrityProblems)
        #expect(mixed.findingsText == "2 log files modified, 1 log file missing", "the other region's unverified log files are not tampering")
        #expect(mixed.notVerifiable.map(\.region) == ["eu-west-2"])
        #expect(mixed.resultLine.hasPrefix("Result: INTEGRITY PROBLEMS FOUND (\(mixed.findingCount)): 2 log files modified, 1 log file missing; not verifiable: no public key for eu-west-2"))
    }

    @Test func aCleanRunIsVerified() throws {
        let scenario = try TrailScenario("verdict-clean") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify()
        let verdict = Verdict(report)
        #expect(verdict.outcome == .verified && verdict.resultLine == "Result: VERIFIED")
        #expect(try Statements(report).markdownHeading == "## trailproof: VERIFIED")
    }

    /// The JSON report carries the verdict, recomputed from the records, never read back.
    @Test func theJSONReportCarriesTheVerdictAndItsCounts() throws {
        let scenario = try TrailScenario("verdict-json") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.trail.logFiles[0].key)
        let report = try scenario.verify()
        let bytes = try JSONReport.encode(report)
        let decoded = try JSONReport.decode(bytes)
        #expect(decoded.verdict == Verdict(report))
        let text = String(decoding: bytes, as: UTF8.self)
        for field in ["\"verdict\" : {", "\"outcome\" : \"integrity-problems\"", "\"counts\" : {", "\"notVerifiable\" : 0", "\"verifiedInEveryChain\" : ["] {
            #expect(text.contains(field), "\(field)")
        }
        let ndjson = String(decoding: try NDJSONReport.render(report), as: UTF8.self).split(separator: "\n")
        #expect(ndjson.dropLast().last?.hasPrefix("{\"kind\":\"verdict\"") == true)
        #expect(ndjson.last?.hasPrefix("{\"kind\":\"totals\"") == true)
    }
}
