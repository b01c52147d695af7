import Foundation
import Testing
import TrailproofKit
import TrailproofTestSupport
import TrailproofTrailGen

/// `verify --shard K/N` with `--report json=PATH`, then `trailproof merge`: the single run's
/// report and exit status, through the built binary.
@Suite struct ShardCLITests {
    static func trail(_ label: String) throws -> CLITrail {
        try CLITrail(label) { spec in
            spec.hours = 3
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2", "ap-south-1"]
        }
    }

    /// Runs the N shards and returns their report paths.
    static func shards(_ trail: CLITrail, count: Int, expectStatus status: Int32, runID: String = "run-1") throws -> [String] {
        try (0..<count).map { index in
            let path = trail.scratch.path + "/shard-\(runID)-\(index).json"
            let run = try trail.verify(["--shard", "\(index)/\(count)", "--run-id", runID, "--report", "json=\(path)"])
            #expect([0, status].contains(run.status), "\(run)")
            #expect(run.stdout.contains("Shard \(index) of \(count) (from 0)"), "a shard's summary says it is one: \(run)")
            #expect(run.stdout.contains("Run \(runID), reference time "), "and of which run: \(run)")
            return path
        }
    }

    @Test func mergedShardReportsPrintTheSingleRunsReportAndExitStatus() throws {
        let trail = try Self.trail("shard-merge")
        defer { trail.remove() }
        try trail.trail.modifyLogFile(trail.trail.logFiles[3].key)
        let single = try trail.verify(["--format", "json", "--run-id", "run-1"])
        #expect(single.status == 1, "\(single)")
        let paths = try Self.shards(trail, count: 4, expectStatus: 1)
        let merged = try BuiltBinary.run(["merge"] + paths.reversed() + ["--format", "json"])
        #expect(merged.status == 1, "\(merged)")
        #expect(merged.stdout == single.stdout)
        #expect(merged.stderrLines.contains { $0.hasPrefix("trailproof: log-file modified:") }, "\(merged)")
    }

    @Test func aMissingOrDuplicatedShardIsExit2NeverAPass() throws {
        let trail = try Self.trail("shard-missing")
        defer { trail.remove() }
        let paths = try Self.shards(trail, count: 3, expectStatus: 0)
        let missing = try BuiltBinary.run(["merge", paths[0], paths[2]])
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("shard 1 of 3 missing"), "\(missing)")
        let duplicated = try BuiltBinary.run(["merge", paths[0], paths[1], paths[2], paths[1]])
        #expect(duplicated.status == 2, "\(duplicated)")
        #expect(duplicated.stderr.contains("shard 1 is given twice"), "\(duplicated)")
        let notJSON = try trail.writeFile("not.json", "{\"schemaVersion\": 1}")
        let foreign = try BuiltBinary.run(["merge", paths[0], notJSON])
        #expect(foreign.status == 2, "\(foreign)")
        let whole = try trail.verify(["--report", "json=\(trail.scratch.path)/whole.json"])
        #expect(whole.status == 0)
        let unsharded = try BuiltBinary.run(["merge", trail.scratch.path + "/whole.json"])
        #expect(unsharded.status == 2, "\(unsharded)")
        #expect(unsharded.stderr.contains("made without --shard"), "\(unsharded)")
        let merged = try BuiltBinary.run(["merge"] + paths)
        #expect(merged.status == 0, "\(merged)")
        #expect(merged.stdout.contains("Result: VERIFIED"), "\(merged)")
    }

    @Test func aShardReportOnStandardInputMergesLikeAFileAndAnUnreadableOneIsNamed() throws {
        let trail = try Self.trail("shard-stdin")
        defer { trail.remove() }
        let paths = try Self.shards(trail, count: 3, expectStatus: 0)
        let binary = try BuiltBinary.location.get()
        let fromFiles = try BuiltBinary.run(["merge"] + paths + ["--format", "json"])
        #expect(fromFiles.status == 0, "\(fromFiles)")
        let fromStandardInput = try ProcessRunner.run(binary, ["merge", paths[0], "-", paths[2], "--format", "json"],
                                                      stdin: Array(try Data(contentsOf: URL(fileURLWithPath: paths[1]))))
        #expect(fromStandardInput.status == 0, "\(fromStandardInput)")
        #expect(fromStandardInput.stdout == fromFiles.stdout)
        let empty = try ProcessRunner.run(binary, ["merge", paths[0], "-", paths[2]], stdin: [])
        #expect(empty.status == 2, "\(empty)")
        #expect(empty.stderr.contains("-: not a trailproof JSON report"), "\(empty)")
        let absent = try BuiltBinary.run(["merge", paths[0], trail.scratch.path + "/no-such.json", paths[2]])
        #expect(absent.status == 2, "\(absent)")
        #expect(absent.stderr.contains("no-such.json: cannot be read"), "\(absent)")
    }

    @Test(arguments: ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"])
    func autoTakesTheIndexABatchEngineSets(_ variable: String) throws {
        let trail = try Self.trail("shard-auto-\(variable)")
        defer { trail.remove() }
        let binary = try BuiltBinary.location.get()
        let path = trail.scratch.path + "/auto.json"
        let run = try BuiltBinary.run(program: "/usr/bin/env", ["\(variable)=2", binary, "verify", trail.trail.root,
                                                                "--public-keys", trail.trail.publicKeysFile, "--shard", "auto/3",
                                                                "--run-id", "run-1",
                                                                "--report", "json=\(path)"])
        #expect(run.status == 0, "\(run)")
        let report = try JSONReport.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(report.shard?.index == 2)
        #expect(report.shard?.count == 3)
        #expect(report.shard?.locations.count == 2, "6 locations dealt round robin")
        let unset = try trail.verify(["--shard", "auto/3", "--run-id", "run-1"])
        #expect(unset.status == 2, "\(unset)")
    }

    @Test func aShardReportOfAnEarlierRunIsRefusedByName() throws {
        let trail = try Self.trail("shard-replayed")
        defer { trail.remove() }
        let earlier = try Self.shards(trail, count: 3, expectStatus: 0, runID: "monday")
        try trail.trail.modifyLogFile(trail.trail.logFiles[3].key)
        let today = try Self.shards(trail, count: 3, expectStatus: 1, runID: "tuesday")
        for index in 0..<3 {
            var mixed = today
            mixed[index] = earlier[index]
            let run = try BuiltBinary.run(["merge"] + mixed)
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr.contains("the shards are of different runs"), "\(run)")
            #expect(run.stderr.contains("shard \(index) (report \(index + 1)) has"), "the replayed shard is named: \(run)")
            #expect(run.stderr.contains("\"monday\"") && run.stderr.contains("\"tuesday\""), "\(run)")
        }
        let replayedWhole = try BuiltBinary.run(["merge", "--run-id", "tuesday"] + earlier)
        #expect(replayedWhole.status == 2, "\(replayedWhole)")
        #expect(replayedWhole.stderr.contains("shard 0 (report 1) is of another run: its run id is \"monday\", not \"tuesday\""), "\(replayedWhole)")
        let merged = try BuiltBinary.run(["merge", "--run-id", "tuesday"] + today)
        #expect(merged.status == 1, "\(merged)")
    }

    @Test(arguments: [["--shard", "3/3"], ["--shard", "x"], ["--shard", "0/2", "--run-id", "r", "--state", "/tmp/never-written.json"],
                      ["--shard", "0/2"], ["--shard", "0/2", "--run-id", "two words"], ["--run-id", "r", "--reference-time", "2026-01-01T00:00:00Z"],
                      ["--report", "json=/tmp/never-written-{shard}.json"], ["--defer-verdict"],
                      ["--shard", "0/2", "--run-id", "r", "--defer-verdict"], ["--shard", "0/2", "--run-id", "r", "--defer-verdict", "--report", "json=-"]])
    func badShardOptionsAreExit2(_ arguments: [String]) throws {
        let trail = try Self.trail("shard-bad")
        defer { trail.remove() }
        let run = try trail.verify(arguments)
        #expect(run.status == 2, "\(run)")
    }

    @Test func aDeferredShardExits0OnFindingsWritesThemToItsReportNamedByIndexAndTheMergeExits1() throws {
        let trail = try Self.trail("shard-defer")
        defer { trail.remove() }
        try trail.trail.modifyLogFile(trail.trail.logFiles[3].key)
        let single = try trail.verify(["--format", "json", "--run-id", "run-1"])
        #expect(single.status == 1, "\(single)")
        var statuses: [Int32] = []
        for index in 0..<3 {
            let run = try trail.verify(["--shard", "\(index)/3", "--run-id", "run-1", "--defer-verdict",
                                        "--report", "json=\(trail.scratch.path)/deferred-{shard}.json"])
            #expect(run.status == 0, "\(run)")
            statuses.append(run.status)
            if run.stderr.contains("log-file modified:") {
                #expect(run.stderr.contains("exit status 1 is left to `trailproof merge`"), "\(run)")
            }
        }
        let paths = (0..<3).map { "\(trail.scratch.path)/deferred-\($0).json" }
        #expect(paths.count == 3)
        #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "{shard} is replaced by each shard's K")
        let merged = try BuiltBinary.run(["merge", "--run-id", "run-1"] + paths + ["--format", "json"])
        #expect(merged.status == 1, "\(merged)")
        #expect(merged.stdout == single.stdout)
        // An error is never deferred: a shard that cannot run is still exit 2.
        let broken = try BuiltBinary.run(["verify", trail.scratch.path + "/no-such-root", "--public-keys", trail.trail.publicKeysFile,
                                          "--shard", "0/3", "--run-id", "run-1", "--defer-verdict", "--report", "json=\(trail.scratch.path)/x-{shard}.json"])
        #expect(broken.status == 2, "\(broken)")
    }
}
