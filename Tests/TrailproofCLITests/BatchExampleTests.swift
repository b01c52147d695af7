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
            run_id = args[args.index("--run-id") + 1]
            assert run_id, args
            assert args[args.index("--reference-time") + 1].endswith("Z"), "shards over s3:// share a planned reference time"
            report = args[args.index("--report") + 1]
            assert report.startswith("json=") and "$(JOB_COMPLETION_INDEX)" in report, report
            margs = merge["spec"]["template"]["spec"]["containers"][0]["args"]
            assert margs[0] == "merge"
            assert margs[margs.index("--run-id") + 1] == run_id, "the merge asks for the shards' run"
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
        #expect(shard.contains("--run-id \"$TRAILPROOF_RUN_ID\" --reference-time \"$TRAILPROOF_REFERENCE_TIME\""))
        #expect(shard.contains("shard-$AWS_BATCH_JOB_ARRAY_INDEX.json"))
        #expect(shard.contains("[ $status -le 1 ]"), "a finding (exit 1) must not fail the array job, so the merge runs and reports it")
        #expect(merge.contains("trailproof merge --run-id \"$TRAILPROOF_RUN_ID\" $(seq -f \"s3://REPORTS/$TRAILPROOF_RUN_ID/shard-%g.json\" 0 \(size - 1))"))
        // Every child and the merge get the same run id; the children the same reference time.
        func environment(_ job: String) -> [String: String] {
            let overrides = (root[job] as? [String: Any])?["containerOverrides"] as? [String: Any]
            let pairs = (overrides?["environment"] as? [[String: String]]) ?? []
            return Dictionary(pairs.compactMap { pair in pair["name"].flatMap { name in pair["value"].map { (name, $0) } } }, uniquingKeysWith: { $1 })
        }
        let shardsEnvironment = environment("shards"), mergeEnvironment = environment("merge")
        #expect(shardsEnvironment["TRAILPROOF_RUN_ID"] != nil && shardsEnvironment["TRAILPROOF_RUN_ID"] == mergeEnvironment["TRAILPROOF_RUN_ID"])
        #expect(shardsEnvironment["TRAILPROOF_REFERENCE_TIME"]?.hasSuffix("Z") == true)
        // The shell expands the shard's report key and the merge's inputs to exactly the shards' reports.
        let runID = shardsEnvironment["TRAILPROOF_RUN_ID"] ?? ""
        let script = "TRAILPROOF_RUN_ID=\(runID); AWS_BATCH_JOB_ARRAY_INDEX=3; echo s3://REPORTS/$TRAILPROOF_RUN_ID/shard-$AWS_BATCH_JOB_ARRAY_INDEX.json; echo $(seq -f \"s3://REPORTS/$TRAILPROOF_RUN_ID/shard-%g.json\" 0 \(size - 1))"
        let expanded = try BuiltBinary.run(program: "/bin/sh", ["-c", script])
        let lines = expanded.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(expanded)")
        let inputs = lines.last?.split(separator: " ").map(String.init) ?? []
        #expect(inputs.count == size)
        #expect(inputs.contains(lines.first ?? "-"), "\(expanded)")
        #expect((root["merge"] as? [String: Any])?["dependsOn"] != nil)
    }
}
