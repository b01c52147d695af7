import Foundation
import Testing
import TrailproofTrailGen

/// The batch-engine examples in docs/batch/ use the image scripts/package builds (its name a
/// parameter), are what their platforms accept, and run trailproof as a sharded run should.
/// scripts/check-batch-recipes.py reads the Kubernetes manifests into the Kubernetes Python
/// client's V1Job models and validates the AWS Batch job definitions and submissions with
/// botocore's ParamValidator (RegisterJobDefinition, SubmitJob), then runs every shard K of N
/// each recipe would run, as its platform would (index variables, $(…) and Ref:: expanded), and
/// the merge, whose report must equal a single run's.
@Suite struct BatchExampleTests {
    static let root = BuiltBinary.packageRoot

    /// The image name scripts/package gives (in dist/), else the one the README names.
    static var imageName: String {
        if case .success(let unpacked) = PackagedArtifacts.unpacked { return "localhost/trailproof:\(unpacked.tag)" }
        return "registry.example/trailproof:0.1.0"
    }

    private func check(tampered: Bool) throws -> BuiltBinary.Run {
        let binary = try #require(PackagedArtifacts.recipeBinary, "under CI the packaged binary must be there: \(PackagedArtifacts.skipReason)")
        let trail = try CLITrail(tampered ? "batch-tampered" : "batch-clean") { spec in
            spec.hours = 3
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2", "ap-south-1"]
        }
        defer { trail.remove() }
        if tampered { try trail.trail.modifyLogFile(trail.trail.logFiles[3].key) }
        let scratch = trail.scratch.path + "/recipes"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let run = try BuiltBinary.run(program: "/usr/bin/env", ["python3", Self.root + "/scripts/check-batch-recipes.py", "--image", Self.imageName,
                                                                 "--binary", binary, "--root", trail.trail.root,
                                                                 "--public-keys", trail.trail.publicKeysFile, "--scratch", scratch], timeout: 600)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("all batch recipe checks passed") && !run.stdout.contains("FAIL"), "\(run)")
        for check in ["kubernetes: trailproof-shards is a V1Job whose every field the model knows",
                      "aws batch: job definition trailproof-shard is a valid RegisterJobDefinition request",
                      "aws batch: 'shards' is a valid SubmitJob request",
                      "kubernetes: shard 7 of 8 exits 0", "aws batch: child 7 of 8 exits 0",
                      "kubernetes: the merged report equals one run's, byte for byte",
                      "aws batch: the merged report equals one run's, byte for byte"] {
            #expect(run.stdout.contains("ok   " + check), "\(check)\n\(run)")
        }
        return run
    }

    @Test func theRecipesAreValidForTheirPlatformsAndTheirMergedShardsEqualOneRun() throws {
        let run = try check(tampered: false)
        #expect(run.stdout.contains("kubernetes verdict: 0") && run.stdout.contains("aws batch verdict: 0"), "\(run)")
    }

    @Test func aShardThatFindsTamperingLetsTheMergeRunAndTheMergeExits1() throws {
        let run = try check(tampered: true)
        #expect(run.stdout.contains("kubernetes verdict: 1") && run.stdout.contains("aws batch verdict: 1"), "\(run)")
    }

    @Test func theRecipesNameTheImageOnlyThroughTheParameterAndNeedNoShell() throws {
        let manifest = try String(contentsOfFile: Self.root + "/docs/batch/kubernetes-indexed-job.yaml", encoding: .utf8)
        let batch = try String(contentsOfFile: Self.root + "/docs/batch/aws-batch-array-job.json", encoding: .utf8)
        for text in [manifest, batch] {
            #expect(text.contains("${TRAILPROOF_IMAGE}"))
            #expect(!text.contains("registry.example/trailproof"))
            #expect(!text.contains("\"sh\"") && !text.contains("- sh\n"), "the image has no shell")
        }
    }
}
