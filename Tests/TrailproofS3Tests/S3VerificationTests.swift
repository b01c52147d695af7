import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Every scenario of the local suite, uploaded to each real S3-compatible server (moto and
/// SeaweedFS) and verified in place: the S3 report must say exactly what the local report says.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct S3VerificationTests {
    @Test(arguments: TrailCase.allCases, S3Server.allCases)
    func verifyingInS3GivesTheSameReportAsTheLocalCopy(_ scenario: TrailCase, on server: S3Server) throws {
        let trail = try scenario.prepare(on: server)
        defer { trail.remove() }
        let local = try trail.verifyLocally(scenario.options(trail))
        let inS3 = try trail.verifyInS3(scenario.options(trail))

        let (expected, actual) = (ReportSnapshot(local), ReportSnapshot(inS3))
        #expect(actual.digests == expected.digests)
        #expect(actual.logFiles == expected.logFiles)
        #expect(actual.gaps == expected.gaps)
        #expect(actual.totals == expected.totals)
        #expect(inS3.verdictKinds.isSuperset(of: scenario.expectedVerdicts), "the tampering shows")
        #expect(inS3.totals.exitStatus == scenario.expectedExitStatus)
        #expect(inS3.totals.digests > 0)
        #expect(inS3.scope.publicKeyFingerprints.sorted() == local.scope.publicKeyFingerprints.filter { fingerprint in
            trail.fingerprintsByRegion.values.contains { $0.contains(fingerprint) }
        }.sorted(), "ListPublicKeys returned the keys that signed the trail, no more")
    }

    @Test(arguments: S3Server.allCases)
    func signaturesComeFromS3MetadataAndTheSuccessorWhenMetadataIsGone(on server: S3Server) throws {
        let trail = try TrailCase.strippedMiddleSignature.prepare(on: server)
        defer { trail.remove() }
        // Every valid digest listed (--list-valid), to read each one's signature source.
        let report = try trail.verifyInS3 { $0.policy.listsValidLogFiles = true; $0.policy.listsValidDigests = true }
        let stripped = trail.digests[2].key
        #expect(report.digests.first { $0.key == stripped }?.signatureSource == .successorDigest)
        #expect(report.digests.count == trail.digests.count)
        #expect(report.digests.filter { $0.key != stripped }.allSatisfy { $0.signatureSource == .s3Metadata })
        #expect(report.totals.exitStatus == 0)
    }

    @Test func keysAreFetchedInEachChainsOwnRegionOverItsDigestsSpan() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let report = try trail.verifyInS3()
        #expect(report.totals.exitStatus == 0)
        #expect(report.chains.count == 4)

        let calls = try trail.cloudTrailRequests().filter { $0.operation == "ListPublicKeys" }
        #expect(calls.map(\.region).sorted() == ["eu-west-2", "us-east-1"])
        let first = try #require(trail.trail.digests.map(\.startTime).min())
        let last = try #require(trail.trail.digests.map(\.endTime).max())
        for call in calls {
            let start = try #require(call.body["StartTime"] as? NSNumber).int64Value
            let end = try #require(call.body["EndTime"] as? NSNumber).int64Value
            #expect(start <= first.secondsSinceEpoch && end >= last.secondsSinceEpoch, "\(call.region) window covers every digest")
        }
    }

    @Test func aRegionWhoseListPublicKeysKnowsNoKeyFailsOnlyItsOwnDigests() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        try trail.registerKeys([], region: "eu-west-2")
        let report = try trail.verifyInS3()
        let failing = report.digests.filter { $0.verdict != .valid }
        #expect(failing.count == 2 * trail.spec.hours, "both accounts' eu-west-2 chains")
        #expect(failing.allSatisfy { $0.verdict == .publicKeyNotFound && $0.chain.contains("/eu-west-2/") })
        // Every other digest (the us-east-1 chains') is valid: counted, and none is listed as a finding.
        #expect(report.totals.digests > failing.count)
        #expect(report.totals.digestsValid == report.totals.digests - failing.count)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func listPublicKeysIsFollowedAcrossPages() throws {
        let trail = try TrailCase.keyRotation.prepare()
        defer { trail.remove() }
        try trail.setListPublicKeysPageSize(1)
        let report = try trail.verifyInS3()
        #expect(report.scope.publicKeyFingerprints.count == 2)
        #expect(report.totals.exitStatus == 0)
        let calls = try trail.cloudTrailRequests().filter { $0.operation == "ListPublicKeys" }
        #expect(calls.count == 2)
        #expect(calls.last?.body["NextToken"] as? String == "1")
    }

    /// No key at all from ListPublicKeys is an operational error (nothing could be checked), as in the AWS CLI.
    @Test func aKeyWhoseValidityDoesNotOverlapTheTrailIsNotReturned() throws {
        let trail = try TrailCase.valid.prepare()
        defer { trail.remove() }
        let late = try #require(UTCTime(parsing: "2027-01-01T00:00:00Z"))
        let entries = try trail.keyFileEntries().map { entry -> [String: Any] in
            var entry = entry
            entry["ValidityStartTime"] = Double(late.secondsSinceEpoch)
            entry["ValidityEndTime"] = Double(late.secondsSinceEpoch + 86_400)
            return entry
        }
        try trail.registerKeys(entries, region: "us-east-1")
        #expect(throws: KeyFileError.self) { try trail.verifyInS3() }
    }

    @Test(arguments: S3Server.allCases)
    func aKeyPrefixSelectsOnlyTheTrailUnderIt(on server: S3Server) throws {
        let trail = try TrailCase.organizationPrefix.prepare(on: server)
        defer { trail.remove() }
        let whole = try trail.verifyInS3()
        let underPrefix = try trail.verifyInS3(prefix: "cloudtrail/prod/")
        #expect(ReportSnapshot(underPrefix) == ReportSnapshot(whole))
        #expect(underPrefix.chains.count == 4)
        #expect(underPrefix.chains.allSatisfy { $0.chain.location.organizationID == "o-a1b2c3d4e5" })
        #expect(throws: (any Error).self, "no digest under another prefix is an error, not a pass") {
            try trail.verifyInS3(prefix: "elsewhere/")
        }
    }

    /// moto checks no S3 signature; SeaweedFS does: a wrong secret is refused (403
    /// SignatureDoesNotMatch) and the run stops with an error instead of reporting on the bucket.
    @Test func aWrongSecretRefusedByS3IsAnErrorNotAVerdict() throws {
        let trail = try TrailCase.valid.prepare(on: .seaweedFS)
        defer { trail.remove() }
        #expect(try trail.verifyInS3(keys: .keyFile).totals.exitStatus == 0, "the right secret is accepted")
        let error = try #require(throws: StoreError.self) {
            try trail.verifyInS3(keys: .keyFile, secretAccessKey: "wrong")
        }
        #expect(error.description == "s3://\(trail.bucket)/: access denied (HTTP 403 SignatureDoesNotMatch)", "\(error)")
    }

    @Test func wrongCredentialsAreAnErrorNotAVerdict() throws {
        let trail = try TrailCase.valid.prepare()
        defer { trail.remove() }
        let http = AWSHTTPClient(environment: trail.awsEnvironment(secretAccessKey: "wrong"))
        #expect(throws: AWSRequestError.self) {
            try CloudTrailPublicKeys(http: http).listEntries(region: "us-east-1", start: trail.spec.start,
                                                               end: trail.spec.start.adding(seconds: 3600))
        }
    }
}
