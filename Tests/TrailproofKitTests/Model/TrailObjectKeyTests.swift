import Testing
@testable import TrailproofKit

@Suite struct TrailObjectKeyTests {
    @Test func recognisesADigestKeyWithPrefixOrganizationAndUnderscoredTrailName() throws {
        let key = "logs/team-a/AWSLogs/o-abc123def4/111122223333/CloudTrail-Digest/eu-west-2/2026/01/08/111122223333_CloudTrail-Digest_eu-west-2_my_org_trail_us-east-1_20260108T052142Z.json.gz"
        guard case .digest(let name)? = TrailObjectKey(key) else { Issue.record("not recognised"); return }
        #expect(name.chain.location.keyPrefix == "logs/team-a")
        #expect(name.chain.location.organizationID == "o-abc123def4")
        #expect(name.chain.location.accountID == "111122223333")
        #expect(name.chain.location.region == "eu-west-2")
        #expect(name.chain.trailName == "my_org_trail")
        #expect(name.chain.homeRegion == "us-east-1")
        #expect(!name.chain.isBackfill)
        #expect(name.endTime.iso8601 == "2026-01-08T05:21:42Z")
    }

    @Test func recognisesBackfillDigestsAsTheirOwnChain() throws {
        let key = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T052142Z_backfill.json.gz"
        guard case .digest(let name)? = TrailObjectKey(key) else { Issue.record("not recognised"); return }
        #expect(name.chain.isBackfill)
        #expect(name.chain.trailName == "t")
    }

    @Test func recognisesALogFileKey() throws {
        let key = "AWSLogs/111122223333/CloudTrail/us-gov-west-1/2026/01/08/111122223333_CloudTrail_us-gov-west-1_20260108T0521Z_abcdEFGH12345678.json.gz"
        guard case .logFile(let name)? = TrailObjectKey(key) else { Issue.record("not recognised"); return }
        #expect(name.location.region == "us-gov-west-1")
        #expect(name.deliveryMinute.iso8601 == "2026-01-08T05:21:00Z")
    }

    @Test(arguments: [
        "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/08/111122223333_CloudTrail-Insight_us-east-1_20260108T0521Z_x.json.gz",
        "AWSLogs/111122223333/Config/us-east-1/2026/1/8/ConfigHistory/x.json.gz",
        "AWSLogs/11112222333/CloudTrail/us-east-1/2026/01/08/11112222333_CloudTrail_us-east-1_20260108T0521Z_x.json.gz",
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/111122223333_CloudTrail_us-east-1_20260108T0521Z_x.json",
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/09/111122223333_CloudTrail_us-east-1_20260108T0521Z_x.json.gz",
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1__us-east-1_20260108T052142Z.json.gz",
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260108T0521Z.json.gz",
        "elb/AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/01/08/x.log.gz",
        "README.txt", "",
    ])
    func ignoresObjectsThatAreNotTrailObjects(_ key: String) {
        #expect(TrailObjectKey(key) == nil)
    }
}
