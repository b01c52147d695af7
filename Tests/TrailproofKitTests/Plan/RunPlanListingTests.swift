import Glibc
import Testing
@testable import TrailproofKit
import TrailproofNative

/// `RunPlan.listed`: which log files the plan's listing holds (what an archive may still fetch for
/// its edge digests), answered from the spilled listing, or by listing the folder again, the same.
@Suite struct RunPlanListingTests {
    /// A trail of 30 hours in two regions, one to three log files an hour.
    static func twoRegions(_ label: String, seed: UInt64) throws -> TrailScenario {
        try TrailScenario(label) { spec in
            spec.seed = seed
            spec.hours = 30
            spec.logFilesPerHour = 1...3
            spec.regions = ["us-east-1", "eu-west-2"]
        }
    }

    @Test func theListingHoldsExactlyThePresentLogFilesByTheirBytes() throws {
        let scenario = try RunPlanListingTests.twoRegions("listed", seed: 211)
        defer { scenario.scratch.remove() }
        let logKeys = scenario.digests.flatMap(\.logKeys)
        #expect(logKeys.count > 20)
        let deleted = logKeys[logKeys.count / 2]
        try LocalFile.remove(scenario.trail.root + "/" + deleted)
        let present = logKeys.filter { !$0.sameBytes(as: deleted) }

        // Asked besides: a digest (not a log file), a log file no one wrote, and a present key
        // with one letter replaced by a canonically equivalent one (K by the Kelvin sign: equal
        // as Swift strings, other bytes).
        let digest = scenario.digests[1].key
        let invented = String(present[0].dropLast(".json.gz".count)) + "x.json.gz"
        let lookalike = try #require(present.first { $0.contains("K") })
        let kelvin = String(lookalike.unicodeScalars.map { $0 == "K" ? "\u{212A}" : Character($0) })
        #expect(kelvin == lookalike && !kelvin.sameBytes(as: lookalike), "the lookalike is a canonical equivalent")
        let asked = logKeys + [digest, invented, kelvin]

        let plan = try scenario.plan()
        let survey = try #require(plan.survey)
        #expect(survey.spill != nil)
        let relisted = try ListingSurvey(store: plan.store, selection: plan.scope.trailSelection, scope: plan.scope, spillingTo: nil)
        let withoutSpill = RunPlan(store: plan.store, trust: plan.trust, scope: plan.scope, policy: plan.policy,
                                   request: plan.request, survey: relisted)
        for (label, candidate) in [("spilled", plan), ("listed again", withoutSpill)] {
            let listed = try candidate.listed(asked)
            #expect(listed == Set(present.map { ObjectKey($0) }), "\(label)")
            #expect(!listed.contains(ObjectKey(deleted)) && !listed.contains(ObjectKey(kelvin)), "\(label)")
        }
    }
}

/// The spill is a convenience, never a source of truth: a disk that refuses it means listing again.
@Suite struct ListingSpillFallbackTests {
    /// A writer on /dev/full: every write fails with ENOSPC, as on a full disk.
    static func fullDisk() throws -> ListingSpill.Writer {
        let descriptor = open("/dev/full", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.fetchFailed("cannot open /dev/full") }
        return ListingSpill.Writer(descriptor: descriptor)
    }

    @Test func aFullDiskMeansListingAgainWithTheSameReport() throws {
        let scenario = try RunPlanListingTests.twoRegions("full-disk", seed: 213)
        defer { scenario.scratch.remove() }
        try LocalFile.remove(scenario.trail.root + "/" + scenario.digests.flatMap(\.logKeys)[5])
        let plan = try scenario.plan { $0.policy.batchObjectLimit = 25 }
        #expect(plan.survey?.spill != nil)
        let refused = try ListingSurvey(store: plan.store, selection: plan.scope.trailSelection, scope: plan.scope, spillingTo: Self.fullDisk)
        #expect(refused.spill == nil, "a spill the disk refused is not used")
        #expect(refused.logFileCount == plan.survey?.logFileCount)
        let listingAgain = RunPlan(store: plan.store, trust: plan.trust, scope: plan.scope, policy: plan.policy,
                                   request: plan.request, survey: refused)
        let expected = try JSONReport.encode(try TrailVerifier(plan: plan).run())
        let report = try TrailVerifier(plan: listingAgain).run()
        #expect(report.totals.exitStatus == 1 && report.logFiles.contains { $0.verdict == .missing })
        #expect(try JSONReport.encode(report) == expected)
    }
}
