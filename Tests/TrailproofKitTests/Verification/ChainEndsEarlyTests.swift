import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// A region of a multi-region trail whose newest digests (and their log files) are deleted: its
/// chain reads valid on its own, but the trail's other region runs on, and CloudTrail writes a
/// digest every hour in every region. Without --end, that is an `ends-early` gap.
@Suite struct ChainEndsEarlyTests {
    static func scenario(_ label: String, configure: (inout TrailSpec) -> Void = { _ in }) throws -> TrailScenario {
        try TrailScenario(label) {
            $0.regions = ["us-east-1", "eu-west-2"]
            $0.hours = 8
            configure(&$0)
        }
    }

    /// Deletes the three newest digests of `region` (of `account`, if given) and their log files.
    static func cutShort(_ scenario: TrailScenario, region: String, account: String? = nil) throws -> (kept: GeneratedDigest, other: GeneratedDigest) {
        let chain = scenario.trail.digests
            .filter { $0.chain.location.region.sameBytes(as: region) && !$0.chain.isBackfill }
            .filter { digest in account.map { digest.chain.location.accountID.sameBytes(as: $0) } ?? true }
            .sorted { $0.endTime < $1.endTime }
        for digest in chain.suffix(3) {
            try scenario.trail.deleteObject(digest.key)
            for log in digest.logKeys { try scenario.trail.deleteObject(log) }
        }
        let other = try #require(scenario.trail.digests.filter { !($0.chain.location == chain[0].chain.location) }.max { $0.endTime < $1.endTime })
        return (chain[chain.count - 4], other)
    }

    @Test func aRegionCutShortWithoutEndIsAnEndsEarlyGapNamingBothEnds() throws {
        let scenario = try Self.scenario("ends-early")
        defer { scenario.scratch.remove() }
        #expect(try scenario.verify().gaps.isEmpty, "an untouched trail has no gap")
        let (kept, other) = try Self.cutShort(scenario, region: "eu-west-2")
        for batchLimit in [5_000, 1] {  // one batch, and each location in a batch of its own
            let report = try scenario.verify { $0.policy.batchObjectLimit = batchLimit }
            let gaps = report.gaps.filter { $0.kind == .endsEarly }
            #expect(gaps.count == 1, "\(report.gaps)")
            let gap = try #require(gaps.first)
            #expect(gap.chain.contains("eu-west-2"))
            #expect(gap.detail.contains(kept.key) && gap.detail.contains(other.key), "\(gap.detail)")
            #expect(gap.span.start == kept.endTime && gap.span.end == other.endTime)
            #expect(report.failingDigests.isEmpty, "the chain itself is intact")
            #expect(report.totals.exitStatus == 1 && report.totals.gaps == 1)
            let text = TextReport(report, verbose: false)
            #expect(text.findings.contains { $0.hasPrefix("trailproof: gap ends-early: ") })
        }
        let allowed = try scenario.verify { $0.policy.allowGaps = true }
        #expect(allowed.gaps.contains { $0.kind == .endsEarly } && allowed.totals.exitStatus == 0)
    }

    @Test func shardsMergedFindWhatOneRunFinds() throws {
        let scenario = try Self.scenario("ends-early-shards") { $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        _ = try Self.cutShort(scenario, region: "eu-west-2", account: "444455556666")
        let single = try scenario.verify { $0.runID = "run-1" }
        let shards = try (0..<2).map { index in try scenario.verify { $0.shard = Shard(index: index, count: 2); $0.runID = "run-1" } }
        let merged = try ReportMerge.merge(shards)
        #expect(single.gaps.filter { $0.kind == .endsEarly }.count == 1)
        #expect(merged.gaps.map(\.detail) == single.gaps.map(\.detail))
        #expect(merged.totals.findings == single.totals.findings && merged.totals.exitStatus == 1)
    }

    @Test func acrossTheAccountsOfAnOrganizationTrailItIsANotice() throws {
        let scenario = try TrailScenario("ends-early-org") {
            $0.organizationID = "o-exampleorgid"
            $0.accounts = ["111122223333", "444455556666"]
            $0.hours = 8
        }
        defer { scenario.scratch.remove() }
        _ = try Self.cutShort(scenario, region: "us-east-1", account: "444455556666")
        let report = try scenario.verify()
        #expect(!report.gaps.contains { $0.kind == .endsEarly }, "\(report.gaps)")
        #expect(report.noticeTexts.contains { $0.contains("444455556666") && $0.contains("organization trail") }, "\(report.noticeTexts)")
        #expect(report.totals.exitStatus == 0)
    }
}
