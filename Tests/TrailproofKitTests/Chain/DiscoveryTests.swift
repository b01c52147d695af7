import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

@Suite struct DiscoveryTests {
    @Test(arguments: [(1, 1, "", nil as String?), (2, 3, "cloudtrail/prod", "o-a1b2c3d4e5"), (3, 2, "x", nil)])
    func findsEveryChainOfEveryAccountAndRegionInOneRun(accounts: Int, regions: Int, prefix: String, org: String?) throws {
        let allAccounts = ["111122223333", "444455556666", "777788889999"]
        let allRegions = ["us-east-1", "eu-west-2", "ap-southeast-4"]
        let scenario = try TrailScenario("discovery") { spec in
            spec.seed = UInt64(accounts * 10 + regions)
            spec.hours = 3
            spec.accounts = Array(allAccounts.prefix(accounts))
            spec.regions = Array(allRegions.prefix(regions))
            spec.keyPrefix = prefix
            spec.organizationID = org
            spec.homeRegion = "eu-west-2"
        }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify()
        #expect(report.chains.count == accounts * regions)
        #expect(Set(report.chains.map(\.chain.location.keyPrefix)) == [prefix])
        #expect(Set(report.chains.map(\.chain.location.organizationID)) == [org])
        #expect(Set(report.chains.map(\.chain.homeRegion)) == ["eu-west-2"])
        #expect(report.totals.digests == accounts * regions * 3)
        #expect(report.totals.exitStatus == 0)
        #expect(report.totals.logFiles == scenario.trail.logFiles.count)
    }

    @Test func regularAndBackfillChainsAreSeparateAndBothVerify() throws {
        let scenario = try TrailScenario("backfill") { spec in
            spec.hours = 12
            spec.backfill = true
        }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(report.chains.map(\.chain.isBackfill).sorted { !$0 && $1 } == [false, true])
        #expect(report.gaps.isEmpty, "backfill chains are sparse: no restart gaps")
        #expect(report.totals.exitStatus == 0)
        let backfillLogs = scenario.trail.logFiles.filter { $0.digestKey?.hasSuffix("_backfill.json.gz") == true }
        #expect(!backfillLogs.isEmpty)
        for log in backfillLogs { #expect(scenario.logFile(log.key, in: report)?.verdict == .valid) }
    }

    @Test func otherServicesObjectsAreIgnoredButStrayFilesInTrailFoldersAreFindings() throws {
        let scenario = try TrailScenario("others")
        defer { scenario.scratch.remove() }
        for key in ["AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/08/x.json.gz",
                    "AWSLogs/111122223333/Config/us-east-1/2026/1/8/ConfigHistory/config.json.gz",
                    "elb/AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/01/08/lb.log.gz",
                    "index.html", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/notes.txt"] {
            try LocalFile.write(Array("not a trail object".utf8), to: scenario.trail.path(of: key))
        }
        let report = try scenario.verify()
        // Four belong to other services and are ignored, each folder named in the notices; the
        // note inside CloudTrail-Digest/ is where CloudTrail writes nothing else: a finding.
        #expect(report.noticeTexts.contains { $0.contains("4 objects") })
        #expect(report.noticeTexts.contains { $0.contains("AWSLogs/111122223333/CloudTrail-Insight/") })
        #expect(report.objects.map(\.key) == ["AWSLogs/111122223333/CloudTrail-Digest/us-east-1/notes.txt"])
        #expect(report.objects.first?.verdict == .unexpected)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aRootWithNoDigestIsAnErrorNotAPass() throws {
        let scratch = try ScratchDirectory("empty")
        defer { scratch.remove() }
        try LocalFile.write(Array("x".utf8), to: scratch.path + "/AWSLogs/111122223333/CloudTrail/readme.txt")
        #expect(throws: VerifierError.self) {
            try plannedVerifier(try DirectoryStore(root: scratch.path), keys: PublicKeyRing()).run()
        }
    }

    @Test func aRootThatIsNotADirectoryCannotBeOpened() throws {
        #expect(throws: StoreError.self) { try DirectoryStore(root: "/nonexistent/trailproof") }
    }
}
