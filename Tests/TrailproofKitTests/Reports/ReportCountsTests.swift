import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// One set of counts for every format, where every category adds up to its total; per-chain
/// lines that count missing digests; a summary span that every chain verifies.
@Suite struct ReportCountsTests {
    static let run = RunRecord(commandLine: ["trailproof"], startedAt: UTCTime(secondsSinceEpoch: 0), endedAt: UTCTime(secondsSinceEpoch: 1),
                               host: "h", jsonReportSHA256: "00", jsonReportPath: nil)

    /// `V/T noun valid, n word, n word…` lines whose numbers do not add up to T, in `lines`.
    static func linesThatDoNotAddUp(_ lines: [String]) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"(\d+)/(\d+) [a-z ]+ valid((?:, \d+(?:/\d+)? [A-Za-z ]+)*)"#)
        var wrong: [String] = []
        for line in lines {
            let range = NSRange(line.startIndex..., in: line)
            guard let match = pattern.firstMatch(in: line, range: range),
                  let valid = Range(match.range(at: 1), in: line).flatMap({ Int(line[$0]) }),
                  let total = Range(match.range(at: 2), in: line).flatMap({ Int(line[$0]) }),
                  let rest = Range(match.range(at: 3), in: line).map({ line[$0] }) else { continue }
            let others = rest.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) }
            if valid + others.reduce(0, +) != total { wrong.append(line) }
        }
        return wrong
    }

    /// Every count of `report` adds up, and every format says the same numbers.
    static func expectCountsAddUp(_ report: VerificationReport, sourceLocation: SourceLocation = #_sourceLocation) {
        let verdict = Verdict(report)
        let counts = verdict.counts
        #expect(counts.digests.addsUp, "\(counts.digests)", sourceLocation: sourceLocation)
        #expect(counts.logFiles.addsUp, "\(counts.logFiles)", sourceLocation: sourceLocation)
        #expect(counts.digests.total == report.totals.digests, sourceLocation: sourceLocation)
        #expect(counts.logFiles.total == report.totals.logFilesByVerdict.values.reduce(0, +), sourceLocation: sourceLocation)
        for chain in counts.chains { #expect(chain.digests.addsUp, "\(chain)", sourceLocation: sourceLocation) }
        let inChains = report.digests.filter { record in !report.chains.contains { $0.id.utf8.elementsEqual(record.chain.utf8) } }.count
        #expect(counts.chains.map(\.digests.total).reduce(0, +) + inChains == counts.digests.total, sourceLocation: sourceLocation)
        // The findings of the exit status, class by class: nothing counted twice, nothing left out.
        let logFindings = counts.logFiles.modified + counts.logFiles.missing + counts.logFiles.unreadable + counts.logFiles.unverified
            + counts.logFiles.notVerifiable + counts.logFiles.unreferenced
        let gaps = report.scope.gapsAllowed ? 0 : counts.gaps
        #expect(counts.digests.total - counts.digests.valid + logFindings + gaps + counts.objects == report.totals.findings, sourceLocation: sourceLocation)
        let classified = verdict.findings.map(\.count).reduce(0, +) + verdict.notVerifiable.map { $0.digests + $0.logFiles }.reduce(0, +)
        #expect(classified == report.totals.findings, "\(verdict.findings) \(verdict.notVerifiable)", sourceLocation: sourceLocation)
        // Text, HTML and Markdown lines add up.
        let text = TextReport(report, verbose: false).summary
        #expect(linesThatDoNotAddUp(text).isEmpty, "\(text)", sourceLocation: sourceLocation)
        let html = String(decoding: HTMLReport.render(report, run: run), as: UTF8.self)
        #expect(linesThatDoNotAddUp(html.components(separatedBy: "<")).isEmpty, sourceLocation: sourceLocation)
        let markdown = String(decoding: MarkdownReport.render(report), as: UTF8.self)
        #expect(linesThatDoNotAddUp(markdown.components(separatedBy: "\n")).isEmpty, "\(markdown)", sourceLocation: sourceLocation)
        // One record per log file: no log file is counted twice (a copy of its digest elsewhere
        // lists it too), and the summary's span is there exactly when some chain verifies one.
        #expect(Set(report.logFiles.map { ObjectKey($0.key) }).count == report.logFiles.count, sourceLocation: sourceLocation)
        #expect((report.totals.coveredSpan == nil) == report.chains.allSatisfy(\.coverage.isEmpty), sourceLocation: sourceLocation)
        // The JSON report writes the same counts.
        #expect((try? JSONReport.decode(JSONReport.encode(report)))?.verdict?.counts == counts, sourceLocation: sourceLocation)
    }

    @Test func theLineCheckerCatchesTheContradictionsOfIssue18() {
        #expect(Self.linesThatDoNotAddUp(["188/188 log files valid, 4/188 log files UNVERIFIED", "50/50 log files valid, 50/50 log files UNVERIFIED"]).count == 2)
        #expect(Self.linesThatDoNotAddUp(["45/47 digests valid, 1 missing, 1 invalid", "184/188 log files valid, 4 unverified"]).isEmpty)
    }

    @Test func aChainWithADeletedDigestCountsItMissing() throws {
        let scenario = try TrailScenario("counts-deleted-digest") { $0.hours = 6 }
        defer { scenario.scratch.remove() }
        let digests = scenario.digests
        try scenario.trail.deleteObject(digests[2].key)
        let report = try scenario.verify()
        let chain = try #require(Verdict(report).counts.chains.first)
        #expect(chain.digests == .init(total: digests.count, valid: digests.count - 1, missing: 1, invalid: 0, notVerifiable: 0))
        let line = "\(digests.count - 1)/\(digests.count) digests valid, 1 missing, covered "
        #expect(TextReport(report, verbose: false).summary.contains { $0.hasPrefix("  \(chain.chain): \(line)") })
        #expect(String(decoding: MarkdownReport.render(report), as: UTF8.self).contains(line))
        #expect(String(decoding: HTMLReport.render(report, run: Self.run), as: UTF8.self).contains("<p class=\"chainline\">\(line)"))
        Self.expectCountsAddUp(report)
    }

    @Test func theSummarySpanIsWhatEveryChainVerifies() throws {
        let scenario = try TrailScenario("counts-intersection") { $0.hours = 6; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        // The eu-west-2 chain stops two hours early: its two newest digests are gone.
        let eu = scenario.trail.digests.filter { !$0.chain.isBackfill && $0.chain.location.region == "eu-west-2" }
        for digest in eu.suffix(2) { try scenario.trail.deleteObject(digest.key) }
        let report = try scenario.verify()
        let counts = Verdict(report).counts
        let euEnd = try #require(report.chains.first { $0.chain.location.region == "eu-west-2" }?.coverage.last?.end)
        let usEnd = try #require(report.chains.first { $0.chain.location.region == "us-east-1" }?.coverage.last?.end)
        #expect(euEnd < usEnd)
        #expect(counts.verifiedInEveryChain.last?.end == euEnd)
        #expect(report.totals.coveredSpan?.end == usEnd, "the JSON's coveredSpan keeps its meaning: oldest to newest")
        let html = String(decoding: HTMLReport.render(report, run: Self.run), as: UTF8.self)
        #expect(html.contains("<tr><td>Span verified</td><td>\(counts.verifiedInEveryChainText) (in every chain)</td></tr>"))
        #expect(counts.verifiedInEveryChainText.hasSuffix("to \(euEnd.iso8601)"))
        let markdown = String(decoding: MarkdownReport.render(report), as: UTF8.self)
        #expect(markdown.contains("Span verified (in every chain): " + Markup.markdown(counts.verifiedInEveryChainText)))
    }

    @Test func theIntersectionOfSpansKeepsOnlyWhatEverySetHolds() {
        func t(_ hour: Int64) -> UTCTime { UTCTime(secondsSinceEpoch: 1_767_225_600 + hour * 3600) }
        func span(_ a: Int64, _ b: Int64) -> TimeSpan { TimeSpan(start: t(a), end: t(b)) }
        #expect(ReportCounts.intersection(of: [[span(0, 10), span(12, 24)], [span(2, 20)]]) == [span(2, 10), span(12, 20)])
        #expect(ReportCounts.intersection(of: [[span(0, 10)], []]).isEmpty, "a chain that verifies nothing")
        #expect(ReportCounts.intersection(of: [[span(0, 5)], [span(5, 9)]]).isEmpty)
    }

    /// The issue's "50/50 log files valid, 50/50 log files UNVERIFIED": a region without its key.
    @Test func aRegionWithoutItsKeyCountsItsLogFilesOnce() throws {
        let scenario = try TrailScenario("counts-no-key") { $0.regions = ["us-east-1", "eu-west-2"]; $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let full = try scenario.verify()
        let eu = Set(full.digests.filter { $0.chain.contains("eu-west-2") }.compactMap(\.publicKeyFingerprint))
        let ring = PublicKeyRing(keys: try scenario.keyRing().keys.filter { !eu.contains($0.fingerprint) })
        let report = try plannedVerifier(try scenario.store, keys: ring).run()
        let counts = Verdict(report).counts
        #expect(counts.logFiles.total == full.totals.logFilesByVerdict.values.reduce(0, +))
        #expect(counts.logFiles.valid + counts.logFiles.notVerifiable == counts.logFiles.total)
        #expect(TextReport(report, verbose: false).summary.contains(counts.logFiles.line()))
        Self.expectCountsAddUp(report)
    }
}
