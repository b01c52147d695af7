import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// N shards merged give exactly the single run's report, for every kind of tampering the
/// generator makes, on trails of several locations, for N = 1…5.
@Suite struct ShardMergeTests {
    /// A tampering of a generated trail of four locations (two accounts, two regions); it hits the
    /// primary chain, so one location carries the finding and the others are clean.
    struct Tampering: Sendable, CustomTestStringConvertible {
        let name: String
        var configure: @Sendable (inout TrailSpec) -> Void = { _ in }
        var tamper: @Sendable (TrailScenario) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static let tamperings: [Tampering] = [
        Tampering(name: "valid"),
        Tampering(name: "modified-log", tamper: { try $0.trail.modifyLogFile($0.digestWithLogs(1).logKeys[0]) }),
        Tampering(name: "deleted-log", tamper: { try $0.trail.deleteObject($0.digestWithLogs(1).logKeys[0]) }),
        Tampering(name: "truncated-log", tamper: { try $0.trail.truncateObject($0.digestWithLogs(0).logKeys[0]) }),
        Tampering(name: "modified-digest", tamper: { try $0.trail.modifyDigest($0.digestWithLogs(2).key) }),
        Tampering(name: "deleted-digest", tamper: { try $0.trail.deleteObject($0.digestWithLogs(2).key) }),
        Tampering(name: "moved-digest", tamper: { scenario in
            let target = scenario.digestWithLogs(1)
            try scenario.trail.moveObject(target.key, to: target.key.replacingOccurrences(
                of: target.endTime.compact(withSeconds: true), with: target.endTime.adding(seconds: 1).compact(withSeconds: true)))
        }),
        // Moved into another location (under a prefix of its own): the chain misses it where it
        // belongs and the copy is moved where it lies, whichever batch or shard holds either.
        Tampering(name: "digest-moved-to-another-location", tamper: { scenario in
            let target = scenario.digestWithLogs(2)
            try scenario.trail.moveObject(target.key, to: "copy/" + target.key)
        }),
        Tampering(name: "digest-moved-to-another-location-unsigned", tamper: { scenario in
            let target = scenario.digestWithLogs(1)
            try scenario.trail.moveObject(target.key, to: "copy/" + target.key)
            try scenario.trail.stripSignature("copy/" + target.key)
        }),
        // A modified digest, and a copy of its successor in another location: the copy's link
        // convicts no one across locations, whichever batch or shard holds either.
        Tampering(name: "modified-digest-and-its-successor-copied-elsewhere", tamper: { scenario in
            let index = try #require(scenario.digests.firstIndex { $0.key.sameBytes(as: scenario.digestWithLogs(1).key) })
            try scenario.trail.modifyDigest(scenario.digests[index].key)
            let successor = scenario.digests[index + 1].key
            try scenario.trail.overwriteObject("copy/" + successor, with: try LocalFile.readAll(scenario.trail.path(of: successor), limit: 1 << 24))
            try scenario.trail.overwriteObject("copy/" + successor + ".metadata.json",
                                               with: try LocalFile.readAll(scenario.trail.path(of: successor) + ".metadata.json", limit: 1 << 20))
        }),
        Tampering(name: "malformed-digest", tamper: { try $0.trail.overwriteObject($0.digests[2].key, with: Array("not gzip".utf8)) }),
        Tampering(name: "two-deleted-digests", tamper: { scenario in for digest in scenario.digests[2..<4] { try scenario.trail.deleteObject(digest.key) } }),
        Tampering(name: "stripped-newest-signature", tamper: { if let newest = $0.digests.last { try $0.trail.stripSignature(newest.key) } }),
        Tampering(name: "stripped-middle-signature", tamper: { try $0.trail.stripSignature($0.digests[2].key) }),
        Tampering(name: "resigned-digest", tamper: { scenario in
            try scenario.trail.rewriteDigest(scenario.digestWithLogs(1).key, signer: try SigningAuthority.key(0)) { $0["logFiles"] = [] }
        }),
        Tampering(name: "planted-log", tamper: { _ = try $0.trail.plantLogFile(at: $0.digests[2].startTime.adding(seconds: 1200)) }),
        Tampering(name: "not-yet-covered", tamper: { if let newest = $0.digests.last { _ = try $0.trail.plantLogFile(at: newest.endTime.adding(seconds: 900)) } }),
        Tampering(name: "before-first-digest", tamper: { _ = try $0.trail.plantLogFile(at: $0.digests[0].startTime.adding(seconds: -7200)) }),
        Tampering(name: "deleted-newest-with-logs", tamper: { scenario in
            for digest in scenario.digests.suffix(2) {
                try scenario.trail.deleteObject(digest.key)
                for key in digest.logKeys { try scenario.trail.deleteObject(key) }
            }
        }),
        Tampering(name: "stray-objects", tamper: { scenario in
            let digest = scenario.digests[1].key
            try scenario.trail.overwriteObject(digest.replacingOccurrences(of: ".json.gz", with: ".txt"), with: Array("x".utf8))
            try scenario.trail.overwriteObject("AWSLogs/111122223333/Config/us-east-1/x.json", with: Array("{}".utf8))
        }),
        Tampering(name: "unknown-key", configure: { $0.unknownKeyDigests = [2] }),
        Tampering(name: "key-rotation", configure: { $0.rotateKeyAtHour = 2 }),
        Tampering(name: "chain-restart", configure: { $0.hours = 7; $0.stopLogging = (afterHour: 2, hours: 2) }),
        Tampering(name: "backfill", configure: { $0.hours = 6; $0.backfill = true }),
        Tampering(name: "organization-prefix", configure: { $0.organizationID = "o-a1b2c3d4e5"; $0.keyPrefix = "cloudtrail/prod" }),
        // Across locations: what one location's objects say about another's.
        Tampering(name: "digest-copied-to-another-account", tamper: { scenario in
            let source = scenario.digestWithLogs(2).key
            try scenario.trail.overwriteObject(source.replacingOccurrences(of: "111122223333", with: "444455556666"),
                                               with: try LocalFile.readAll(scenario.trail.path(of: source), limit: 1 << 24))
        }),
        Tampering(name: "sidecar-alone-in-its-location", tamper: { scenario in
            let digest = scenario.digests[1].key.replacingOccurrences(of: "111122223333", with: "999988887777")
            try scenario.trail.overwriteObject(digest + SavedSignature.sidecarSuffix, with: Array("{}".utf8))
        }),
        Tampering(name: "log-file-named-inside-another-location", tamper: { scenario in
            let planted = try scenario.trail.plantLogFile(at: scenario.digests[2].startTime.adding(seconds: 600))
            try scenario.trail.moveObject(planted, to: "AWSLogs/444455556666/CloudTrail/us-east-1/" + planted)
        }),
    ]

    /// The four-location trail of `tampering`, tampered with.
    static func scenario(_ tampering: Tampering, label: String) throws -> TrailScenario {
        let scenario = try TrailScenario("\(label)-\(tampering.name)") { spec in
            spec.seed = 40 + UInt64(Self.tamperings.firstIndex { $0.name == tampering.name } ?? 0)
            spec.hours = 5
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2"]
            spec.homeRegion = "eu-west-2"
            tampering.configure(&spec)
        }
        try tampering.tamper(scenario)
        return scenario
    }

    static func report(_ scenario: TrailScenario, shard: Shard?, runID: String = "run-1",
                       configure: (inout RunRequest) throws -> Void = { _ in }) throws -> VerificationReport {
        try scenario.verify { $0.shard = shard; $0.runID = runID; $0.policy.workers = 2; try configure(&$0) }
    }

    @Test(arguments: tamperings)
    func mergedShardsGiveTheSingleRunsReport(_ tampering: Tampering) throws {
        let scenario = try Self.scenario(tampering, label: "shards")
        defer { scenario.scratch.remove() }
        let single = try Self.report(scenario, shard: nil)
        ReportCountsTests.expectCountsAddUp(single)
        let expected = String(decoding: try JSONReport.encode(single), as: UTF8.self)
        for count in 1...5 {
            let shards = try (0..<count).map { try Self.report(scenario, shard: Shard(index: $0, count: count)) }
            #expect(Set(shards.flatMap { $0.shard?.locations ?? [] }).count == shards[0].shard?.locationsListed)
            #expect(shards[0].shard?.locationsListed ?? 0 >= 4)
            let merged = try ReportMerge.merge(shards.reversed())
            let actual = String(decoding: try JSONReport.encode(merged), as: UTF8.self)
            #expect(actual == expected, "N=\(count): \(Self.firstDifference(Array(actual.utf8), Array(expected.utf8)))")
        }
        // The tampering took (a clean trail stays clean). A chain cut short while another chain of
        // its trail runs on is an ends-early gap even without --end, found alike by the merge.
        switch tampering.name {
        case "valid", "key-rotation", "backfill", "organization-prefix", "stripped-middle-signature":
            #expect(single.totals.findings == 0)
        case "deleted-newest-with-logs":
            #expect(single.gaps.contains { $0.kind == .endsEarly } && single.totals.exitStatus == 1, "\(single.gaps)")
        case "not-yet-covered": #expect(single.logFiles.contains { $0.verdict == .notYetCovered })
        case "before-first-digest": #expect(single.logFiles.contains { $0.verdict == .beforeFirstDigest })
        default: #expect(single.totals.exitStatus == 1, "the tampering took")
        }
    }

    /// Where two JSON texts first differ, for the failure message.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let around = { (bytes: [UInt8]) in String(decoding: bytes[max(0, index - 120)..<min(bytes.count, index + 120)], as: UTF8.self) }
        return "at byte \(index):\n  merged: \(around(a))\n  single: \(around(b))"
    }

    @Test func aMissingDuplicatedOrForeignShardIsRefused() throws {
        let scenario = try TrailScenario("shards-refused") { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        // Listing valid records, so that a shard's totals can be checked against what it lists.
        let listing = { (request: inout RunRequest) in request.listEveryValidRecord() }
        let three = try (0..<3).map { try Self.report(scenario, shard: Shard(index: $0, count: 3), configure: listing) }
        #expect(throws: MergeError.missing(indices: [1], count: 3)) { try ReportMerge.merge([three[0], three[2]]) }
        #expect(throws: MergeError.duplicated(index: 2)) { try ReportMerge.merge(three + [three[2]]) }
        #expect(throws: MergeError.notAShard(position: 1)) { try ReportMerge.merge([three[0], try Self.report(scenario, shard: nil, configure: listing)]) }
        let two = try Self.report(scenario, shard: Shard(index: 1, count: 2), configure: listing)
        #expect(throws: MergeError.self) { try ReportMerge.merge([three[0], two, three[2]]) }
        #expect(throws: MergeError.noReports) { try ReportMerge.merge([]) }
        // A shard that lies about what it verified.
        var liar = three[1]
        liar.shard?.locations = three[0].shard?.locations ?? []
        #expect(throws: MergeError.self) { try ReportMerge.merge([three[0], liar, three[2]]) }
        // A shard whose totals count fewer valid records than it lists (counts it could not have made).
        for edit in [{ (report: inout VerificationReport) in report.totals.logFilesValid -= 1 },
                     { (report: inout VerificationReport) in report.totals.digestsValid -= 1 },
                     { (report: inout VerificationReport) in report.totals.logFileBytesHashed = 0 }] {
            var forged = three[1]
            edit(&forged)
            #expect(throws: MergeError.self) { try ReportMerge.merge([three[0], forged, three[2]]) }
        }
        #expect(throws: Never.self) { try ReportMerge.merge(three) }
        // A shard that saw another listing.
        var other = three[1]
        other.shard?.listingFingerprint = String(repeating: "0", count: 64)
        #expect(throws: MergeError.self) { try ReportMerge.merge([three[0], other, three[2]]) }
    }

    /// Numbers a shard's report holds are hostile until checked: a shard number outside 0..<N
    /// or an N beyond 10,000, and counts or sizes negative or beyond any run, are refused before
    /// a merge adds anything up (they had trapped on an overflow or a reversed range, or built a
    /// list of 10^12 missing shards).
    @Test(arguments: 0..<9)
    func aShardReportWithNumbersNoRunMakesIsRefusedNotACrash(_ edit: Int) throws {
        let scenario = try TrailScenario("shards-numbers-\(edit)") { $0.hours = 2; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        let honest = try (0..<2).map { try Self.report(scenario, shard: Shard(index: $0, count: 2)) }
        #expect(throws: Never.self) { try ReportMerge.merge(honest) }
        let huge = 1 << 62
        var forged = honest
        for index in forged.indices {
            switch edit {
            case 0: forged[index].totals.logFilesValid = huge
            case 1: forged[index].totals.logFilesOutOfScope = huge
            case 2: forged[index].shard?.count = -1
            case 3: forged[index].shard?.count = 1_000_000_000_000
            case 4: forged[index].totals.logFileBytesHashed = Int64(huge)
            case 5: forged[index].totals.missingDigestHours = huge
            case 6: forged[index].totals.digestsByVerdict["valid"] = huge
            case 7: forged[index].shard?.index = -1
            default: forged[index].chains = forged[index].chains.map { var chain = $0; chain.digests = huge; return chain }
            }
        }
        #expect(throws: MergeError.self) { try ReportMerge.merge(forged) }
        // Read back from its JSON, as `trailproof merge` reads it.
        let decoded = try forged.map { try JSONReport.decode(try JSONReport.encode($0)) }
        #expect(throws: MergeError.self) { try ReportMerge.merge(decoded) }
    }

    @Test func aReplayedShardOfAnEarlierRunIsRefused() throws {
        let scenario = try TrailScenario("shards-replayed") { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        let earlier = try (0..<2).map { try Self.report(scenario, shard: Shard(index: $0, count: 2), runID: "monday") }
        try scenario.trail.modifyLogFile(scenario.digestWithLogs(1).logKeys[0])
        let today = try (0..<2).map { try Self.report(scenario, shard: Shard(index: $0, count: 2), runID: "tuesday") }
        let tampered = try #require(today.firstIndex { $0.totals.exitStatus == 1 })
        var replayed = today
        replayed[tampered] = earlier[tampered]
        // The replayed report is genuine: same locations, same listing, same reference time.
        #expect(earlier[tampered].shard == today[tampered].shard)
        #expect(earlier[tampered].scope.referenceTime == today[tampered].scope.referenceTime)
        let first = MergeError.ShardName(index: replayed[0].shard?.index ?? 0, position: 0)
        let other = MergeError.ShardName(index: 1, position: 1)
        #expect(throws: MergeError.mixedRuns(what: "run id", first, replayed[0].scope.runID ?? "", other, replayed[1].scope.runID ?? "")) {
            try ReportMerge.merge(replayed)
        }
        // Without the run id the replay would have merged into a pass.
        var unmarked = replayed
        for index in unmarked.indices { unmarked[index].scope.runID = "same" }
        #expect(try ReportMerge.merge(unmarked).totals.exitStatus == 0)
        // A whole earlier run in place of this one: refused when merge is told the run id.
        #expect(throws: MergeError.otherRun(what: "run id", expected: "tuesday", MergeError.ShardName(index: 0, position: 0), found: "monday")) {
            try ReportMerge.merge(earlier, runID: "tuesday")
        }
        #expect(try ReportMerge.merge(today, runID: "tuesday").totals.exitStatus == 1)
        #expect(try ReportMerge.merge(today).totals.exitStatus == 1)
    }

    @Test func shardsOfAnotherReferenceTimeOrWindowAreRefused() throws {
        let scenario = try TrailScenario("shards-other-time") { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last?.endTime)
        let planned = { (time: UTCTime) in { (request: inout RunRequest) throws in try request.live(at: time); request.referenceTime = time } }
        let run = try (0..<2).map { try Self.report(scenario, shard: Shard(index: $0, count: 2), configure: planned(newest.adding(seconds: 3600))) }
        #expect(run.count == 2)
        #expect(run.allSatisfy { $0.scope.referenceTime == newest.adding(seconds: 3600) }, "a planned time is the reference time exactly")
        #expect(throws: Never.self) { try ReportMerge.merge(run) }
        let later = try Self.report(scenario, shard: Shard(index: 1, count: 2), configure: planned(newest.adding(seconds: 7200)))
        #expect(throws: MergeError.mixedRuns(what: "reference time", .init(index: 0, position: 0), newest.adding(seconds: 3600).iso8601,
                                             .init(index: 1, position: 1), newest.adding(seconds: 7200).iso8601)) {
            try ReportMerge.merge([run[0], later])
        }
        let windowed = try Self.report(scenario, shard: Shard(index: 1, count: 2)) {
            try planned(newest.adding(seconds: 3600))(&$0)
            $0.start = scenario.digests[1].endTime
        }
        #expect(throws: MergeError.self) { try ReportMerge.merge([run[0], windowed]) }
        do {
            _ = try ReportMerge.merge([run[0], windowed])
        } catch let error as MergeError {
            guard case .mixedRuns(let what, _, _, _, _) = error else { Issue.record("\(error)"); return }
            #expect(what == "window")
        }
        // A shard report without a run id (an older trailproof's) is refused by name.
        var unmarked = run[1]
        unmarked.scope.runID = nil
        #expect(throws: MergeError.noRunID(.init(index: 1, position: 1))) { try ReportMerge.merge([run[0], unmarked]) }
        #expect(throws: RunPlanError.shardWithoutRunID) { try scenario.verify { $0.shard = Shard(index: 0, count: 2) } }
    }

    @Test(arguments: ["run-1", "2026-12-02T14:00Z", String(repeating: "x", count: 200)])
    func runIDsParse(_ text: String) throws {
        #expect(try ShardRun.runID(text, environment: [:]).get() == text)
        #expect(try ShardRun.runID(nil, environment: [ShardRun.runIDVariable: text]).get() == text)
    }

    @Test(arguments: ["", "a b", "tab\tid", "\u{1B}[2J", String(repeating: "x", count: 201), "é"])
    func badRunIDsAreRefused(_ text: String) {
        guard case .failure = ShardRun.runID(text, environment: [:]) else { Issue.record("\(text) parsed"); return }
    }

    @Test(arguments: [("0/1", [:], 0, 1), ("2/5", [:], 2, 5), ("auto/4", ["JOB_COMPLETION_INDEX": "3"], 3, 4),
                      ("auto/4", ["AWS_BATCH_JOB_ARRAY_INDEX": "1"], 1, 4)] as [(String, [String: String], Int, Int)])
    func shardsParse(_ text: String, _ environment: [String: String], _ index: Int, _ count: Int) throws {
        #expect(try Shard.parse(text, environment: environment).get() == Shard(index: index, count: count))
    }

    @Test(arguments: ["5/5", "-1/3", "1", "a/b", "1/0", "auto/3", "1/2/3", "", "/", "1/20000"])
    func badShardsAreRefused(_ text: String) {
        guard case .failure = Shard.parse(text, environment: [:]) else { Issue.record("\(text) parsed"); return }
    }
}
