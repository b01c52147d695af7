import Testing
import TrailproofKit
@testable import trailproof

/// The engine's defaults are the CLI's: a default `VerificationOptions()` (what every Kit test
/// and library user starts from) verifies as `trailproof verify DIRECTORY` does with no flag.
@Suite struct KitDefaultsTests {
    /// The options `verify` gives the engine for a directory when no flag is given.
    static func cliDefaults(_ arguments: [String] = []) throws -> VerificationOptions {
        try RunOptions.parse(arguments).verificationOptions(defaultWorkers: VerificationOptions.defaultWorkers, remote: false)
    }

    @Test func aDefaultCLIRunGivesTheEngineItsDefaultOptionsOnEveryPolicyField() throws {
        let cli = try Self.cliDefaults()
        let kit = VerificationOptions()
        #expect(cli.listsValidLogFiles == kit.listsValidLogFiles)
        #expect(cli.listsValidDigests == kit.listsValidDigests)
        #expect(cli.allowGaps == kit.allowGaps)
        #expect(cli.workers == kit.workers)
        #expect(cli.batchesInFlight == kit.batchesInFlight)
        #expect(cli.batchObjectLimit == kit.batchObjectLimit)
        #expect(cli.digestSizeLimit == kit.digestSizeLimit)
        #expect(cli.digestSmallAllowance == kit.digestSmallAllowance)
        #expect(cli.logFileCompressedLimit == kit.logFileCompressedLimit)
        #expect(cli.logFileUncompressedLimit == kit.logFileUncompressedLimit)
        #expect(cli.deliveryTolerance == kit.deliveryTolerance)
        // Valid records are counted, not listed, unless asked for.
        #expect(!kit.listsValidLogFiles && !kit.listsValidDigests)
    }

    /// What a plan decides (window, bucket, shard, reference time) is not in the options: the
    /// request a command line makes with no flag asks for nothing of it.
    @Test func aDefaultCLIRequestAsksForNoWindowBucketShardOrReferenceTime() throws {
        let request = try VerifyInputs.parse(["/nonexistent", "--public-keys", "k"]).request(source: .directory(path: "/nonexistent"))
        #expect(request.start == nil && request.end == nil && request.bucket == nil && request.headSignatures.isEmpty)
        #expect(request.shard == nil && request.runID == nil && request.referenceTime == nil && !request.recheck)
        #expect(request.policy.listsValidLogFiles == VerificationOptions().listsValidLogFiles)
    }

    /// Over S3 the transfers in flight, not the cores, set the pace (issue 21: 32 transfers
    /// reached 0.66 of rclone's throughput at 20 ms; bench/RESULTS.md): with no flag a run keeps
    /// `defaultS3Transfers` in flight, one batch at a time; --concurrency still decides.
    @Test func anS3RunWithNoFlagKeepsTheDefaultTransfersInFlight() throws {
        let source = RunRequest.Source.s3(bucket: "bucket", prefix: "")
        let request = try VerifyInputs.parse(["s3://bucket", "--public-keys", "k"]).request(source: source)
        #expect(VerificationOptions.defaultS3Transfers == 128)
        #expect(request.policy.workers == VerificationOptions.defaultS3Transfers)
        #expect(request.policy.batchesInFlight == 1)
        let chosen = try VerifyInputs.parse(["s3://bucket", "--public-keys", "k", "--concurrency", "7"]).request(source: source)
        #expect(chosen.policy.workers == 7)
        let local = try VerifyInputs.parse(["/nonexistent", "--public-keys", "k"]).request(source: .directory(path: "/nonexistent"))
        #expect(local.policy.workers == VerificationOptions.defaultWorkers)
    }

    @Test func listValidListsEveryValidRecordAndAnHTMLReportTheValidDigests() throws {
        let listing = try Self.cliDefaults(["--list-valid"])
        #expect(listing.listsValidLogFiles && listing.listsValidDigests)
        let html = try Self.cliDefaults(["--report", "html=/dev/null"])
        #expect(!html.listsValidLogFiles && html.listsValidDigests)
    }
}
