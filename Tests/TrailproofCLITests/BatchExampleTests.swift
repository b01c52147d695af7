import Foundation
import Testing

/// The batch-engine examples in docs/batch/ parse, and run trailproof as a sharded run should:
/// N shards with `--shard auto/N`, each writing its JSON report, and a merge of exactly those N.
@Suite struct BatchExampleTests {
    static let folder = BuiltBinary.packageRoot + "/docs/batch"

    @Test func theKubernetesIndexedJobShardsAndMergesEveryIndex() throws {
        // PyYAML (Debian's python3-yaml) reads the manifest as Kubernetes would receive it.
        let script = """
            import sys, yaml
            docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
            assert [d["kind"] for d in docs] == ["Job", "Job"], docs
            shards, merge = docs
            for doc in docs:
                assert doc["apiVersion"] == "batch/v1"
                assert doc["spec"]["template"]["spec"]["restartPolicy"] == "Never"
            spec = shards["spec"]
            assert spec["completionMode"] == "Indexed"
            n = spec["completions"]
            assert spec["parallelism"] == n
            args = spec["template"]["spec"]["containers"][0]["args"]
            assert args[0] == "verify" and args[args.index("--shard") + 1] == f"auto/{n}", args
            report = args[args.index("--report") + 1]
            assert report.startswith("json=") and "$(JOB_COMPLETION_INDEX)" in report, report
            margs = merge["spec"]["template"]["spec"]["containers"][0]["args"]
            assert margs[0] == "merge"
            inputs = [a for a in margs[1:] if a.startswith("s3://")]
            expected = [report[len("json="):].replace("$(JOB_COMPLETION_INDEX)", str(i)) for i in range(n)]
            assert inputs == expected, (inputs, expected)
            print("ok", n)
            """
        let run = try BuiltBinary.run(program: "/usr/bin/env", ["python3", "-c", script, Self.folder + "/kubernetes-indexed-job.yaml"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("ok 8"), "\(run)")
    }

    @Test func theAWSBatchArrayJobShardsAndMergesEveryIndex() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/aws-batch-array-job.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let size = try #require(((root["shards"] as? [String: Any])?["arrayProperties"] as? [String: Any])?["size"] as? Int)
        let definitions = try #require(root["jobDefinitions"] as? [[String: Any]])
        func command(_ name: String) throws -> String {
            let definition = try #require(definitions.first { $0["jobDefinitionName"] as? String == name })
            let words = try #require((definition["containerProperties"] as? [String: Any])?["command"] as? [String])
            return try #require(words.last)
        }
        let shard = try command("trailproof-shard"), merge = try command("trailproof-merge")
        #expect(shard.contains("--shard auto/\(size)"))
        #expect(shard.contains("shard-$AWS_BATCH_JOB_ARRAY_INDEX.json"))
        #expect(shard.contains("[ $status -le 1 ]"), "a finding (exit 1) must not fail the array job, so the merge runs and reports it")
        #expect(merge.contains("trailproof merge $(seq -f 's3://REPORTS/run-1/shard-%g.json' 0 \(size - 1))"))
        // The shell expands the merge's inputs to exactly the shards' reports.
        let expanded = try BuiltBinary.run(program: "/bin/sh", ["-c", "echo $(seq -f 's3://REPORTS/run-1/shard-%g.json' 0 \(size - 1))"])
        #expect(expanded.stdout.split(separator: " ").count == size)
        #expect((root["merge"] as? [String: Any])?["dependsOn"] != nil)
    }
}
