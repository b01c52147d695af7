import Testing
@testable import TrailproofKit
import TrailproofNative

/// `MergePlan`, without the binary: every shard report read through one path and decoded, the
/// shards checked to be of one run, and each way a merge can be wrong refused (fails closed).
@Suite struct MergePlanTests {
    /// A two-account trail verified in three shards of run "run-1", their reports written as the
    /// CLI writes them (`JSONReport`), and the single run's report.
    struct ShardedRun {
        let scenario: TrailScenario
        let shards: [VerificationReport]
        let paths: [String]
        let single: VerificationReport

        init(_ label: String, runID: String = "run-1") throws {
            scenario = try TrailScenario(label) { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"] }
            let scenario = scenario
            shards = try (0..<3).map { index in
                try scenario.verify { $0.shard = Shard(index: index, count: 3); $0.runID = runID; $0.policy.workers = 2 }
            }
            paths = try shards.map { try Self.write($0, named: "shard-\($0.shard?.index ?? -1).json", in: scenario) }
            single = try scenario.verify { $0.runID = runID; $0.policy.workers = 2 }
        }

        /// Writes `report` as a JSON report file in the scenario's scratch directory.
        static func write(_ report: VerificationReport, named name: String, in scenario: TrailScenario) throws -> String {
            let path = scenario.scratch.path + "/" + name
            try LocalFile.write(try JSONReport.encode(report), to: path)
            return path
        }

        func write(_ report: VerificationReport, named name: String) throws -> String { try Self.write(report, named: name, in: scenario) }

        /// A plan of `paths` read as files.
        func plan(_ paths: [String], runID: String? = nil, sizeLimit: Int = MergeRequest.defaultSizeLimit) throws -> MergePlan {
            try MergePlan.resolve(MergeRequest(inputs: paths.map { .file(path: $0) }, runID: runID, sizeLimit: sizeLimit))
        }
    }

    @Test func shardReportFilesInAnyOrderMergeIntoTheSingleRunsReportUnderThePlansScope() throws {
        let run = try ShardedRun("merge-plan")
        defer { run.scenario.scratch.remove() }
        let plan = try run.plan(run.paths.reversed(), runID: "run-1")
        #expect(plan.shards.map { $0.shard?.index } == [0, 1, 2])
        #expect(plan.runID == "run-1")
        // The chain of custody is the shards' own, stated alike by each: source, window, keys, run.
        #expect(plan.scope.source == run.shards[0].scope.source)
        #expect(plan.scope.publicKeyFingerprints == run.single.scope.publicKeyFingerprints)
        #expect(plan.scope.publicKeyFingerprints.count > 0)
        #expect(plan.scope.publicKeySources == run.single.scope.publicKeySources)
        #expect(plan.scope.referenceTime == run.single.scope.referenceTime)
        let merged = plan.merged()
        #expect(try JSONReport.encode(merged.scope) == (try JSONReport.encode(plan.scope)))
        #expect(merged.shard == nil)
        #expect(String(decoding: try JSONReport.encode(merged), as: UTF8.self) == String(decoding: try JSONReport.encode(run.single), as: UTF8.self))
        // Reports already decoded take the same path past reading.
        let inMemory = try MergePlan.resolve(MergeRequest(inputs: run.shards.map { .report($0) }))
        #expect(try JSONReport.encode(inMemory.merged()) == (try JSONReport.encode(merged)))
    }

    @Test func aMissingShardIsRefused() throws {
        let run = try ShardedRun("merge-plan-missing")
        defer { run.scenario.scratch.remove() }
        #expect(throws: MergeError.missing(indices: [1], count: 3)) { try run.plan([run.paths[0], run.paths[2]]) }
        #expect(throws: MergeError.noReports) { try run.plan([]) }
    }

    @Test func aDuplicatedShardIsRefused() throws {
        let run = try ShardedRun("merge-plan-duplicate")
        defer { run.scenario.scratch.remove() }
        #expect(throws: MergeError.duplicated(index: 1)) { try run.plan(run.paths + [run.paths[1]]) }
        // The same shard under two names is still one shard given twice.
        let copy = try run.write(run.shards[2], named: "copy.json")
        #expect(throws: MergeError.duplicated(index: 2)) { try run.plan(run.paths + [copy]) }
    }

    @Test func shardsOfAnotherRunIDThanTheOneAskedForAreRefused() throws {
        let run = try ShardedRun("merge-plan-foreign")
        defer { run.scenario.scratch.remove() }
        #expect(throws: MergeError.otherRun(what: "run id", expected: "run-2", .init(index: 0, position: 0), found: "run-1")) {
            try run.plan(run.paths, runID: "run-2")
        }
        #expect(throws: Never.self) { try run.plan(run.paths, runID: "run-1") }
    }

    @Test func aReplayedShardOfAnEarlierRunIsRefused() throws {
        let run = try ShardedRun("merge-plan-replayed")
        defer { run.scenario.scratch.remove() }
        // A genuine report of the same shard, same listing, of an earlier run.
        let earlier = try run.scenario.verify { $0.shard = Shard(index: 1, count: 3); $0.runID = "run-0"; $0.policy.workers = 2 }
        #expect(earlier.shard == run.shards[1].shard)
        let replayed = try run.write(earlier, named: "earlier-1.json")
        #expect(throws: MergeError.mixedRuns(what: "run id", .init(index: 0, position: 0), "run-1", .init(index: 1, position: 1), "run-0")) {
            try run.plan([run.paths[0], replayed, run.paths[2]])
        }
    }

    @Test func shardsOfAnotherReferenceTimeAreRefused() throws {
        let scenario = try TrailScenario("merge-plan-time") { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last?.endTime)
        func shard(_ index: Int, at time: UTCTime) throws -> String {
            let report = try scenario.verify { request in
                try request.live(at: time)
                request.referenceTime = time
                request.shard = Shard(index: index, count: 2)
                request.runID = "run-1"
            }
            return try ShardedRun.write(report, named: "shard-\(index)-\(time.secondsSinceEpoch).json", in: scenario)
        }
        let first = newest.adding(seconds: 3600), later = newest.adding(seconds: 7200)
        let plan = try MergePlan.resolve(MergeRequest(inputs: [.file(path: try shard(0, at: first)), .file(path: try shard(1, at: first))]))
        #expect(plan.scope.referenceTime == first)
        #expect(throws: MergeError.mixedRuns(what: "reference time", .init(index: 0, position: 0), first.iso8601, .init(index: 1, position: 1), later.iso8601)) {
            try MergePlan.resolve(MergeRequest(inputs: [.file(path: try shard(0, at: first)), .file(path: try shard(1, at: later))]))
        }
    }

    @Test func aShardThatSawAnotherListingIsRefused() throws {
        let run = try ShardedRun("merge-plan-fingerprint")
        defer { run.scenario.scratch.remove() }
        var other = run.shards[1]
        other.shard?.listingFingerprint = String(repeating: "0", count: 64)
        let path = try run.write(other, named: "other-listing.json")
        #expect(throws: MergeError.disagree(what: "listing (the shards saw different sets of locations)", position: 1)) {
            try run.plan([run.paths[0], path, run.paths[2]])
        }
    }

    @Test func anInputLargerThanTheLimitIsRefusedNotReadOn() throws {
        let run = try ShardedRun("merge-plan-oversize")
        defer { run.scenario.scratch.remove() }
        // The first input read that is larger than the limit is named.
        let sizes = try run.paths.map { try LocalFile.readAll($0, limit: 1 << 30).count }
        let limit = try #require(sizes.min()) - 1
        #expect(throws: MergeInputError(input: run.paths[0], reason: .tooLarge(limit: limit))) { try run.plan(run.paths, sizeLimit: limit) }
        let smallest = try #require(sizes.firstIndex(of: limit + 1))
        #expect(throws: MergeInputError(input: run.paths[smallest], reason: .tooLarge(limit: limit))) {
            try run.plan([run.paths[smallest]] + run.paths, sizeLimit: limit)
        }
        let largest = try run.paths.map { try LocalFile.readAll($0, limit: 1 << 30).count }.max() ?? 0
        #expect(throws: Never.self) { try run.plan(run.paths, sizeLimit: largest) }
    }

    @Test(arguments: ["", "not json", "{\"schemaVersion\": 1}", "[]", "{\"schemaVersion\": 2, \"tool\": 1}"])
    func anInputThatIsNotAReportIsRefused(_ text: String) throws {
        let run = try ShardedRun("merge-plan-not-report")
        defer { run.scenario.scratch.remove() }
        let path = run.scenario.scratch.path + "/not-a-report.json"
        try LocalFile.write(Array(text.utf8), to: path)
        do {
            _ = try run.plan([run.paths[0], path, run.paths[2]])
            Issue.record("a file that is not a report was merged")
        } catch let error as MergeInputError {
            #expect(error.input == path)
            guard case .notAReport = error.reason else { Issue.record("\(error)"); return }
        }
    }

    @Test func aReportOfAWholeRunAnUnreadableFileAndAnS3InputWithoutAClientAreRefused() throws {
        let run = try ShardedRun("merge-plan-other-inputs")
        defer { run.scenario.scratch.remove() }
        let whole = try run.write(run.single, named: "whole.json")
        #expect(throws: MergeError.notAShard(position: 1)) { try run.plan([run.paths[0], whole, run.paths[2]]) }
        let absent = run.scenario.scratch.path + "/no-such.json"
        do {
            _ = try run.plan([run.paths[0], absent, run.paths[2]])
            Issue.record("a missing file was merged")
        } catch let error as MergeInputError {
            #expect(error.input == absent)
            guard case .unreadable = error.reason else { Issue.record("\(error)"); return }
        }
        let request = MergeRequest(inputs: [.file(path: run.paths[0]), .s3(bucket: "b", key: "shard-1.json"), .file(path: run.paths[2])])
        #expect(throws: RunPlanError.noServices) { try MergePlan.resolve(request) }
        #expect(MergeRequest.Input.s3(bucket: "b", key: "r/1.json").name == "s3://b/r/1.json")
        #expect(MergeRequest.Input.standardInput.name == "-")
    }
}
