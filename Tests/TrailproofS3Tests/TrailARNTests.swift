import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `--trail-arn`: DescribeTrails (the CloudTrail stand-in answers as the API does) names the
/// bucket, prefix, home region and regions of one trail; only that trail's chains are verified.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct TrailARNTests {
    /// An organization trail (2 accounts × 2 regions, under a prefix) sharing its bucket with
    /// another trail under another prefix, whose log file was modified: it must not be looked at.
    static func sharedBucket(_ label: String) throws -> S3Trail {
        let trail = try S3Trail(label) { spec in
            spec.hours = 4
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2"]
            spec.organizationID = "o-arntest1234"
            spec.keyPrefix = "org/ct"
            spec.trailName = "org-trail"
        }
        let other = try ScratchDirectory("s3-\(label)-other")
        defer { other.remove() }
        var spec = TrailSpec()
        spec.hours = 3
        spec.bucket = trail.bucket
        spec.keyPrefix = "team/ct"
        spec.trailName = "team-trail"
        let second = try TrailGenerator.generate(spec, into: other.path)
        try second.modifyLogFile(second.logFiles[0].key)
        try FileManager.default.copyItem(atPath: second.root + "/team", toPath: trail.trail.root + "/team")
        try trail.upload()
        try trail.registerKeys()
        try trail.registerTrail()
        return trail
    }

    @Test func onlyTheTrailsOwnChainsAreVerifiedFromItsOwnBucketAndPrefix() throws {
        let trail = try Self.sharedBucket("arn-org")
        defer { trail.remove() }
        let everything = try trail.trailproof(["verify", "s3://\(trail.bucket)"])
        #expect(everything.status == 1, "the other trail's modified log file is in the bucket: \(everything)")

        let run = try trail.trailproof(["verify", "--trail-arn", trail.trailARN, "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let report = try JSONReport.decode(Array(run.stdout.utf8))
        #expect(report.chains.count == 4)
        #expect(report.chains.allSatisfy { $0.chain.trailName == "org-trail" && $0.chain.location.keyPrefix == "org/ct" })
        #expect(report.scope.trailARN == trail.trailARN)
        #expect(report.scope.source == "s3://\(trail.bucket)/org/ct/")
        #expect(report.noticeTexts.contains { $0.hasPrefix("trail \(trail.trailARN) (DescribeTrails)") }, "\(report.noticeTexts)")
        let calls = try trail.cloudTrailRequests()
        #expect(calls.contains { $0.operation == "DescribeTrails" && $0.region == "us-east-1" })
    }

    @Test func accountIDSelectsMemberAccountsOfAnOrganizationTrail() throws {
        let trail = try Self.sharedBucket("arn-account")
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "--trail-arn", trail.trailARN, "--account-id", "444455556666", "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let report = try JSONReport.decode(Array(run.stdout.utf8))
        #expect(Set(report.chains.map(\.chain.location.accountID)) == ["444455556666"])
        #expect(report.chains.count == 2)
    }

    @Test func aSingleRegionTrailIsVerifiedInItsHomeRegionOnly() throws {
        let trail = try S3Trail("arn-single") { $0.hours = 3; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { trail.remove() }
        try trail.upload()
        try trail.registerKeys()
        let arn = trail.trailARN
        let body: [String: Any] = ["Name": trail.spec.trailName, "S3BucketName": trail.bucket, "TrailARN": arn,
                                   "HomeRegion": "us-east-1", "IsMultiRegionTrail": false, "IsOrganizationTrail": false]
        _ = try trail.admin("POST", "/_trailproof/trails", body: Array(try JSONSerialization.data(withJSONObject: body)))
        let run = try trail.trailproof(["verify", "--trail-arn", arn, "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let report = try JSONReport.decode(Array(run.stdout.utf8))
        #expect(report.chains.map(\.chain.location.region) == ["us-east-1"])
    }

    @Test func aTrailThatDoesNotExistIsExitTwoWithAClearMessage() throws {
        let trail = try S3Trail("arn-missing") { $0.hours = 2 }
        defer { trail.remove() }
        try trail.upload()
        try trail.registerKeys()
        let run = try trail.trailproof(["verify", "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/no-such-trail"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("no trail arn:aws:cloudtrail:us-east-1:111122223333:trail/no-such-trail"), "\(run)")
        let malformed = try trail.trailproof(["verify", "--trail-arn", "arn:aws:s3:::bucket"])
        #expect(malformed.status == 2, "\(malformed)")
        #expect(malformed.stderr.contains("is not a trail ARN"), "\(malformed)")
    }

    @Test func anArchiveOfOneTrailHoldsOnlyThatTrailAndVerifiesOffline() throws {
        let trail = try Self.sharedBucket("arn-archive")
        defer { trail.remove() }
        let out = trail.scratch.path + "/archive"
        let archive = try trail.trailproof(["archive", "--trail-arn", trail.trailARN, "--out", out])
        #expect(archive.status == 0, "\(archive)")
        #expect(!FileManager.default.fileExists(atPath: out + "/team"))
        let offline = try trail.trailproof(["verify", out, "--keys-from-archive"])
        #expect(offline.status == 0, "\(offline)")
    }
}
