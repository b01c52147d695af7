import Foundation
import Testing
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// An S3 endpoint that misbehaves on purpose (`bench/static-s3.py --repeat-token`): whatever it
/// answers, the run ends with an error, never with a pass or a hang.
@Suite struct HostileServerTests {
    @Test func aListingThatRepeatsItsContinuationTokenEndsTheRunWithExitTwo() throws {
        let scratch = try ScratchDirectory("hostile-listing")
        defer { scratch.remove() }
        var spec = TrailSpec()
        spec.hours = 2
        let trail = try TrailGenerator.generate(spec, into: scratch.path)
        let server = try ProcessRunner.start("python3", [TrailproofBinary.packageRoot + "/bench/static-s3.py", trail.root, trail.bucket,
                                                         "--repeat-token"])
        defer { server.stop() }
        let portLine = server.firstLineOfStandardOutput(timeout: 30)
        let port = try #require(portLine.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) },
                                "static-s3.py printed \(portLine.debugDescription): \(server.standardErrorSoFar)")
        let binary = try #require(TrailproofBinary.path)
        let run = try ExternalCommand.run(
            [binary, "verify", "s3://\(trail.bucket)", "--endpoint-url", "http://127.0.0.1:\(port)", "--public-keys", trail.publicKeysFile,
             "--region", "us-east-1"],
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_PROFILE": nil,
                          "AWS_CONFIG_FILE": scratch.path + "/none", "AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/none"],
            timeout: 60)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("repeats a continuation token"), "\(run)")
    }

    /// A small generated trail: its key file for every run, its objects for the gzip-bomb server.
    private static func smallTrail(_ scratch: ScratchDirectory) throws -> GeneratedTrail {
        var spec = TrailSpec()
        spec.hours = 2
        spec.logFilesPerHour = 1...2
        return try TrailGenerator.generate(spec, into: scratch.path)
    }

    @Test func endlessFreshContinuationTokensStopAtThePageLimitAndTheErrorNamesTheEndpoint() throws {
        let scratch = try ScratchDirectory("hostile-fresh-tokens")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("fresh-tokens", ["--keys-per-page", "3"])
        let (run, seconds) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile],
                                                      environment: ["TRAILPROOF_S3_LIST_PAGE_LIMIT": "40"], timeout: 30,
                                                      scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("the listing from \(server.url) goes on past 40 pages"), "\(run)")
        #expect(seconds < 30)
    }

    @Test func aPageRepeatedUnderFreshTokensEndsTheRunWithExitTwo() throws {
        let scratch = try ScratchDirectory("hostile-same-page")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("same-page", ["--keys-per-page", "3"])
        let (run, _) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile], timeout: 30,
                                                scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("the listing from \(server.url) makes no progress: page 2"), "\(run)")
    }

    @Test func aTruncatedPageWithoutAContinuationTokenIsAnErrorNotTheEndOfTheListing() throws {
        let scratch = try ScratchDirectory("hostile-no-token")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("no-token", ["--keys-per-page", "3"])
        let (run, _) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile], timeout: 30,
                                                scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("says page 1 is truncated but gives no continuation token"), "\(run)")
    }

    /// A 200 answer that is not a whole ListBucketResult, on the listing's second page: the
    /// first page said more follow, so ending there would verify a trail cut short.
    @Test(arguments: [
        ("garbled", "the answer is not well-formed XML (byte "),
        ("garbled", ": the answer is not UTF-8)"),
        ("wrong-root", "the root element is <ListAllMyBucketsResult>, not <ListBucketResult>"),
        ("no-is-truncated", "it has no <IsTruncated>: whether more pages follow is unknown"),
    ])
    func aSecondPageThatIsNotAWholeListingEndsTheRunWithExitTwoSayingWhy(_ mode: String, _ reason: String) throws {
        let scratch = try ScratchDirectory("hostile-\(mode)")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3(mode, ["--keys-per-page", "3"])
        let (run, _) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile], timeout: 30,
                                                scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("the listing from \(server.url) answered page 2 with something other than a whole "
            + "ListObjectsV2 result: "), "\(run)")
        #expect(run.stderr.contains(reason), "\(run)")
        #expect(!run.stdout.contains("valid"), "\(run)")
    }

    @Test func aBodyTrickledAtThreeBytesASecondIsAbandonedAndTheRunEndsInBoundedTime() throws {
        let scratch = try ScratchDirectory("hostile-trickle")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("trickle", ["--rate", "3"])
        // A listing page of about 600 bytes: 200 s at 3 bytes/s, each attempt abandoned after 1 s.
        let (run, seconds) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile, "--timeout", "1"],
                                                      timeout: 40, scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("too slow"), "\(run)")
        #expect(seconds < 40)
    }

    @Test func anEndlessBodyFastEnoughForTheSpeedLimitEndsAtTheObjectTimeout() throws {
        let scratch = try ScratchDirectory("hostile-endless-body")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("endless-body", ["--rate", "20000"])
        let (run, seconds) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile,
                                                       "--timeout", "2", "--object-timeout", "4"], timeout: 30, scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("no complete answer within 4 s"), "\(run)")
        #expect(seconds < 15)
    }

    @Test func aServerThatAcceptsAndNeverAnswersIsAbandonedAtTheFirstByteTimeout() throws {
        let scratch = try ScratchDirectory("hostile-silent")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("silent")
        // --timeout 6: a transfer may crawl for 6 s, but the answer must begin within 2 s.
        let (run, seconds) = try server.runTrailproof(["verify", "s3://hostile", "--public-keys", trail.publicKeysFile, "--timeout", "6"],
                                                      timeout: 30, scratch: scratch.path)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("no answer within 2 s of the request"), "\(run)")
        #expect(seconds < 30)
    }

    @Test func anEndlessGzipLogFileIsAnUnreadableFindingAtTheSizeLimitNeverAPass() throws {
        let scratch = try ScratchDirectory("hostile-gzip-bomb")
        defer { scratch.remove() }
        let trail = try Self.smallTrail(scratch)
        let server = try HostileS3("gzip-bomb", ["--root", trail.root, "--bucket", trail.bucket])
        let (run, seconds) = try server.runTrailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.publicKeysFile],
                                                      environment: ["TRAILPROOF_LOG_FILE_MAX_BYTES": "2097152"], timeout: 60,
                                                      scratch: scratch.path)
        #expect(run.status == 1, "\(run)")
        let findings = run.lines.filter { $0.contains("unreadable") && $0.contains("larger than the 2097152-byte limit (uncompressed)") }
        #expect(findings.count == trail.logFiles.count, "\(run)")
        #expect(seconds < 60)
    }
}
