import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// Two digests deleted in a row: the newer is named by its successor's link; the older one no
/// surviving object names, but CloudTrail names a digest after its end time, so its expected key
/// is known up to the seconds of that time, and its span is given in every format.
@Suite struct ExpectedDigestNameTests {
    /// True when `key` is one of the keys `pattern` (with one `*`) stands for.
    static func matches(_ key: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return key.sameBytes(as: pattern) }
        return key.utf8.starts(with: parts[0].utf8) && key.utf8.reversed().starts(with: parts[1].utf8.reversed())
            && key.utf8.count >= parts[0].utf8.count + parts[1].utf8.count
    }

    @Test func theOlderOfTwoDeletedDigestsIsGivenItsExpectedNameAndSpan() throws {
        let scenario = try TrailScenario("expected-name")
        defer { scenario.scratch.remove() }
        let (older, first, second) = (scenario.digests[2], scenario.digests[3], scenario.digests[4])
        try scenario.trail.deleteObject(first.key)
        try scenario.trail.deleteObject(second.key)
        let report = try scenario.verify()
        #expect(report.digests.contains { $0.key == second.key && $0.verdict == .missing }, "the newer is named by its successor")
        let inferred = try #require(report.digests.first { $0.inferred })
        let pattern = try #require(inferred.expectedKey)
        #expect(Self.matches(first.key, pattern), "\(first.key) is not \(pattern)")
        #expect(pattern.contains("*") && !Self.matches(older.key, pattern) && !Self.matches(second.key, pattern), "\(pattern)")
        #expect(inferred.span?.start == older.endTime)
        let detail = inferred.problems.map(\.detail).joined()
        #expect(detail.contains(pattern) && detail.contains(older.endTime.iso8601), "\(detail)")
        #expect(detail.contains("the hour from") && !detail.contains("1 hours"), "\(detail)")

        let text = TextReport(report, verbose: false).findings.first { $0.contains(pattern) }
        #expect(text?.contains("(expected s3://\(scenario.spec.bucket)/") == true, "\(text ?? "no line")")
        let markdown = String(decoding: MarkdownReport.render(report), as: UTF8.self)
        #expect(markdown.contains(older.endTime.iso8601) && markdown.contains(pattern), "Markdown gives the span and the name")
    }

    @Test func aNameIsTheExactKeyWhenTheEndIsKnownAndAPatternAroundAnEstimate() throws {
        let chain = ChainID(location: TrailLocation(keyPrefix: "p", organizationID: nil, accountID: "111122223333", region: "us-east-1"),
                            trailName: "t", homeRegion: "us-east-1", isBackfill: false)
        let end = try #require(UTCTime(parsing: "2026-01-08T05:21:42Z"))
        #expect(ExpectedDigestName.key(of: chain, endingAt: end)
            == "p/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T052142Z.json.gz")
        #expect(ExpectedDigestName(chain: chain, endingBetween: end, and: end, estimatedEnd: end).pattern == ExpectedDigestName.key(of: chain, endingAt: end))
        let about = ExpectedDigestName(chain: chain, estimatedEnd: end)
        #expect(about.pattern == "p/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T05*.json.gz")
    }
}
