import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The built `trailproof` binary against the test servers: exit status, output, and keys
/// fetched from the CloudTrail stand-in when no --public-keys is given.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct CLIOverS3Tests {
    @Test func verifyInPlaceFetchesEachRegionsKeysFromListPublicKeys() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Result: VERIFIED"), "\(run)")
        #expect(run.stdout.contains("Chains (4)"), "\(run)")
        let calls = try trail.cloudTrailRequests().filter { $0.operation == "ListPublicKeys" }
        #expect(calls.map(\.region).sorted() == ["eu-west-2", "us-east-1"])
    }

    @Test func aTamperedBucketExitsOneAndNamesTheObject() throws {
        let trail = try TrailCase.modifiedLog.prepare()
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("trailproof: log-file modified: \(trail.url(trail.trail.logFiles[1].key))"), "\(run)")
        #expect(run.stdout.contains("Result: INTEGRITY PROBLEMS FOUND"), "\(run)")
    }

    @Test func theBinarysJSONReportMatchesTheInProcessReport() throws {
        let trail = try TrailCase.twoConsecutiveDeletedDigests.prepare()
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--format", "json", "--list-valid"])
        #expect(run.status == 1, "\(run)")
        let decoded = try JSONDecoder().decode(VerificationReport.self, from: Data(run.stdout.utf8))
        #expect(ReportSnapshot(decoded) == ReportSnapshot(try trail.verifyInS3 { $0.policy.listsValidLogFiles = true; $0.policy.listsValidDigests = true }))
        #expect(decoded.scope.source == "s3://\(trail.bucket)/")
    }

    @Test func aKeyPrefixURLIsVerifiedInPlace() throws {
        let trail = try TrailCase.organizationPrefix.prepare()
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)/\(trail.spec.keyPrefix)"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Chains (4)"), "\(run)")
        let elsewhere = try trail.trailproof(["verify", "s3://\(trail.bucket)/elsewhere"])
        #expect(elsewhere.status == 2, "no digests is an error, never a pass: \(elsewhere)")
    }

    @Test func keysSavesOneRegionsKeysForOfflineVerification() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let window = TrailCase.multiAccountRegion.window(trail)
        var files: [String: String] = [:]
        for region in trail.spec.regions {
            let file = trail.scratch.path + "/keys-\(region).json"
            let run = try trail.trailproof(["keys", "--region", region, "--start", window.start.iso8601, "--end", window.end.iso8601,
                                            "--output", file])
            #expect(run.status == 0, "\(run)")
            let saved = try PublicKeyRing.parseListPublicKeys(try LocalFile.readAll(file, limit: 1 << 20), name: file)
            #expect(Set(saved.map(\.fingerprint)) == trail.fingerprintsByRegion[region], "only \(region)'s keys")
            files[region] = file
        }
        let both = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", files["us-east-1"] ?? "",
                                         "--public-keys", files["eu-west-2"] ?? ""],
                                        environment: ["AWS_ENDPOINT_URL_CLOUDTRAIL": "http://127.0.0.1:9"])
        #expect(both.status == 0, "key files alone suffice, CloudTrail is not called: \(both)")
        let oneRegion = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", files["us-east-1"] ?? ""])
        #expect(oneRegion.status == 1, "\(oneRegion)")
        #expect(oneRegion.stderr.contains("trailproof: digest public-key-not-found"), "\(oneRegion)")
    }

    @Test func endpointURLWithAKeyFileNeedsNoOtherEndpoint() throws {
        let trail = try TrailCase.valid.prepare()
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--endpoint-url", trail.s3Endpoint,
                                        "--public-keys", trail.trail.publicKeysFile],
                                       environment: ["AWS_ENDPOINT_URL_S3": nil, "AWS_ENDPOINT_URL_CLOUDTRAIL": nil])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("s3-metadata"), "\(run)")
    }

    @Test func aMissingBucketOrRejectedCredentialsExitTwo() throws {
        let trail = try TrailCase.valid.prepare()
        defer { trail.remove() }
        let missing = try trail.trailproof(["verify", "s3://\(trail.bucket)-absent"])
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("trailproof: error:"), "\(missing)")

        // moto accepts any signature; the CloudTrail stand-in checks it, as AWS does.
        let rejected = try trail.trailproof(["verify", "s3://\(trail.bucket)"], environment: ["AWS_SECRET_ACCESS_KEY": "wrong"])
        #expect(rejected.status == 2, "\(rejected)")
        #expect(rejected.stderr.contains("ListPublicKeys"), "\(rejected)")
    }

    @Test func aKeyServiceThatPagesForeverEndsTheRunNotTheMachine() throws {
        let trail = try TrailCase.valid.prepare()
        defer { trail.remove() }
        _ = try trail.admin("PUT", "/_trailproof/settings", body: Array("{\"repeatToken\": true}".utf8))
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("kept paging"), "\(run)")
    }

    @Test func reportsGoToS3AsTheSameBytesAsToAFile() throws {
        let trail = try TrailCase.valid.prepare()
        defer { trail.remove() }
        let local = trail.scratch.path + "/run.json"
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--report", "json=s3://\(trail.bucket)/reports/run.json",
                                        "--report", "json=\(local)", "--report", "html=s3://\(trail.bucket)/reports/run.html"])
        #expect(run.status == 0, "\(run)")
        let store = S3Store(bucket: trail.bucket, prefix: "", client: S3Client(http: AWSHTTPClient(environment: trail.awsEnvironment())))
        let uploaded = try #require(try store.readObject("reports/run.json", limit: 1 << 24))
        #expect(uploaded == (try LocalFile.readAll(local, limit: 1 << 24)))
        let html = String(decoding: try #require(try store.readObject("reports/run.html", limit: 1 << 24)), as: UTF8.self)
        #expect(html.contains(try MessageDigest.sha256Hex(uploaded)))
        // A bucket that cannot be written ends the run with exit 2.
        let refused = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--report", "json=s3://\(trail.bucket)-absent/run.json"])
        #expect(refused.status == 2, "\(refused)")
    }
}


/// Sharded verification of a bucket in S3, the shards' reports written to S3 and merged from there.
@Suite struct ShardsOverS3Tests {
    /// A report's JSON without its reference time (each run in S3 observes the bucket at its own time).
    static func withoutReferenceTime(_ bytes: [UInt8]) throws -> [UInt8] {
        var report = try JSONReport.decode(bytes)
        report.scope.referenceTime = nil
        return try JSONReport.encode(report)
    }

    @Test func shardsWriteToS3AndMergeFromThereIntoTheSingleRunsReport() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let single = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--format", "json", "--run-id", "run-1"])
        #expect(single.status == 0, "\(single)")
        let planned = UTCTime.now.iso8601
        let unplanned = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--shard", "0/3", "--run-id", "run-1"])
        #expect(unplanned.status == 2, "shards over S3 need a planned reference time: \(unplanned)")
        #expect(unplanned.stderr.contains("--reference-time"), "\(unplanned)")
        for index in 0..<3 {
            // Started at different moments, the shards judge the bucket as of the planned time.
            if index > 0 { Thread.sleep(forTimeInterval: 1.1) }
            let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--shard", "\(index)/3", "--run-id", "run-1",
                                            "--report", "json=s3://\(trail.bucket)/reports/shard-\(index).json"],
                                           environment: [ShardRun.referenceTimeVariable: planned])
            #expect(run.status == 0, "\(run)")
        }
        let reports = (0..<3).map { "s3://\(trail.bucket)/reports/shard-\($0).json" }
        let merged = try trail.trailproof(["merge", "--run-id", "run-1"] + reports + ["--format", "json"])
        #expect(merged.status == 0, "\(merged)")
        #expect(try JSONReport.decode(Array(merged.stdout.utf8)).scope.referenceTime?.iso8601 == planned)
        #expect(try Self.withoutReferenceTime(Array(merged.stdout.utf8)) == (try Self.withoutReferenceTime(Array(single.stdout.utf8))))
        let absent = try trail.trailproof(["merge", reports[0], reports[1], "s3://\(trail.bucket)/reports/no-such.json"])
        #expect(absent.status == 2, "\(absent)")
        #expect(absent.stderr.contains("no such object"), "\(absent)")
    }
}
