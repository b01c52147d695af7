import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Only records of log files proven valid are released, as their exact bytes, in order.
@Suite struct RecordReleaseTests {
    /// Collects released lines.
    final class CollectingSink: RecordSink {
        var lines: [[UInt8]] = []
        var finishedFiles: [String] = []
        var closed = false
        func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws {
            var line: [UInt8] = []
            record.appendLine(to: &line)
            lines.append(line)
        }
        func finishLogFile(_ source: ReleasedLogFile) throws { finishedFiles.append(source.key) }
        func close() throws { closed = true }
    }

    static func release(_ scenario: TrailScenario, workers: Int = VerificationOptions.defaultWorkers, batchLimit: Int = VerificationOptions().batchObjectLimit,
                        listsValid: Bool = false, _ configure: (inout RecordRelease.Options) -> Void = { _ in })
        throws -> (VerificationReport, RecordRelease.Summary, CollectingSink) {
        var options = RecordRelease.Options()
        configure(&options)
        let sink = CollectingSink()
        let release = RecordRelease(options: options, sink: sink, verifiedAt: UTCTime(secondsSinceEpoch: 1_800_000_000))
        var verification = VerificationOptions()
        if listsValid { verification.listEveryValidRecord() }
        verification.workers = workers
        verification.batchObjectLimit = batchLimit
        let report = try plannedVerifier(try scenario.store, keys: try scenario.keyRing(), policy: verification)
            .runWithHeads(consumer: release).report
        return (report, try release.finish(report: report), sink)
    }

    /// The uncompressed bytes of a log file.
    static func body(_ scenario: TrailScenario, _ key: String) throws -> [UInt8] {
        try Gzip.decompress(try scenario.trail.readObject(key), limit: 1 << 28)
    }

    /// The number of records in a log file, counted by Foundation's parser.
    static func recordCount(_ bytes: [UInt8]) throws -> Int {
        ((try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["Records"] as? [Any])?.count ?? -1
    }

    @Test(arguments: [2, 11] as [UInt64])
    func everyRecordOfEveryValidLogFileIsReleasedAsItsExactBytes(seed: UInt64) throws {
        let scenario = try TrailScenario("records-exact") { $0.seed = seed; $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let (_, summary, sink) = try Self.release(scenario) { $0.provenance = false }
        var expected = 0
        var bodies: [[UInt8]] = []
        for log in scenario.trail.logFiles {
            let body = try Self.body(scenario, log.key)
            expected += try Self.recordCount(body)
            bodies.append(body)
        }
        #expect(summary.released == expected)
        #expect(sink.lines.count == expected)
        #expect(sink.closed)
        // Each line is a byte range of some log file: nothing re-serialized.
        for line in sink.lines.prefix(200) {
            #expect(bodies.contains { body in body.firstRange(of: line) != nil }, "\(String(decoding: line.prefix(80), as: UTF8.self))")
        }
    }

    @Test func provenanceIsOneAddedLastMemberNamingTheProof() throws {
        let scenario = try TrailScenario("records-provenance") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let (report, _, sink) = try Self.release(scenario, listsValid: true)
        let line = try #require(sink.lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        let proof = try #require(object["trailproof"] as? [String: Any])
        let log = try #require(report.logFiles.first { "s3://\($0.bucket)/\($0.key)" == proof["logFile"] as? String })
        #expect(proof["sha256"] as? String == log.actualSHA256)
        #expect((proof["digest"] as? String)?.hasSuffix(log.digest ?? "?") == true)
        #expect(proof["signatureSource"] as? String == "metadata-file")
        #expect((proof["publicKeyFingerprint"] as? String)?.count == 32)
        #expect(proof["chain"] as? String == report.chains.first?.id)
        #expect(proof["verifiedAt"] as? String == UTCTime(secondsSinceEpoch: 1_800_000_000).iso8601)
        // Added last: the record's own bytes come first, unchanged.
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasSuffix("\"verifiedAt\":\"\(UTCTime(secondsSinceEpoch: 1_800_000_000).iso8601)\"}}"))
        let own = String(text[..<text.range(of: ",\"trailproof\":")!.lowerBound]) + "}"
        #expect(try Self.body(scenario, log.key).firstRange(of: Array(own.utf8)) != nil)
    }

    /// The provenance member is written by `JSONWriter`: names with quotes, backslashes and
    /// controls come back exactly, and an unknown signature source is `null`.
    @Test func provenanceOfAwkwardNamesParsesBackExactly() throws {
        let key = "AWSLogs/\"q\"/back\\slash/\u{0}\u{1}\t\n\u{1f}\u{7f}/é\u{2028}.json.gz"
        let file = VerifiedLogFile(key: key, bucket: "b", time: nil, sha256: "ab", digestKey: "d\ne", digestBucket: "c",
                                   digestEnd: UTCTime(secondsSinceEpoch: 0), chain: "ch\u{7}", signatureSource: nil, publicKeyFingerprint: "f")
        let member = RecordRelease.provenance(file, verifiedAt: "2027-01-15T08:00:00Z")
        let object = try #require(try StrictJSON.parse(Array("{".utf8) + member + Array("}".utf8)).objectValue)
        let proof = try #require(object[ObjectKey("trailproof")]?.objectValue)
        #expect(proof[ObjectKey("logFile")]?.stringValue.map { Array($0.utf8) } == Array("s3://b/\(key)".utf8))
        #expect(proof[ObjectKey("digest")]?.stringValue.map { Array($0.utf8) } == Array("s3://c/d\ne".utf8))
        #expect(proof[ObjectKey("chain")]?.stringValue.map { Array($0.utf8) } == Array("ch\u{7}".utf8))
        #expect(proof[ObjectKey("signatureSource")] == .null)
        #expect(String(decoding: member, as: UTF8.self).hasPrefix(#""trailproof":{"logFile":"s3://b/AWSLogs/\"q\"/back\\slash/\u0000\u0001\t\n\u001f"#))
    }

    @Test func recordsOfEveryOtherVerdictAreWithheldAndCounted() throws {
        let scenario = try TrailScenario("records-withheld") { $0.hours = 6 }
        defer { scenario.scratch.remove() }
        let modified = scenario.digestWithLogs(1).logKeys[0]
        try scenario.trail.modifyLogFile(modified)
        let planted = try scenario.trail.plantLogFile(at: scenario.digestWithLogs(2).endTime.adding(seconds: -1200))
        let unverified = scenario.digestWithLogs(3)
        try scenario.trail.modifyDigest(unverified.key)
        let (report, summary, sink) = try Self.release(scenario) { $0.provenance = true }
        let released = Set(try sink.lines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            return ((object?["trailproof"] as? [String: Any])?["logFile"] as? String) ?? "?"
        })
        for key in [modified, planted] + unverified.logKeys {
            #expect(!released.contains { $0.hasSuffix(key) }, "\(key) released")
        }
        #expect(summary.withheldLogFilesByVerdict["modified"] == 1)
        #expect(summary.withheldLogFilesByVerdict["unreferenced"] == 1)
        #expect(summary.withheldLogFilesByVerdict["unverified"] == unverified.logKeys.count)
        #expect(summary.logFilesReleased == report.totals.logFilesValid)
    }

    @Test func aValidLogFileLargerThanTheLimitIsWithheldAndNamed() throws {
        let scenario = try TrailScenario("records-too-large") { $0.hours = 3; $0.eventsPerLogFile = 2...40 }
        defer { scenario.scratch.remove() }
        let sizes = try scenario.trail.logFiles.map { try Self.body(scenario, $0.key).count }
        let limit = sizes.sorted()[sizes.count / 2]
        let (report, summary, sink) = try Self.release(scenario) { $0.logFileSizeLimit = limit; $0.provenance = true }
        let large = Set(zip(scenario.trail.logFiles, sizes).filter { $0.1 > limit }.map(\.0.key))
        #expect(!large.isEmpty)
        #expect(Set(summary.unreleasable.map(\.key)) == large)
        #expect(summary.unreleasable.allSatisfy { $0.reason.contains("larger than \(limit)") })
        #expect(summary.logFilesReleased == report.totals.logFilesValid - large.count)
        #expect(!sink.lines.contains { line in large.contains { String(decoding: line, as: UTF8.self).contains($0) } })
        #expect(report.totals.exitStatus == 0, "the proof itself is unaffected")
    }

    @Test(arguments: ["{\"Records\":{}}", "{\"records\":[]}", "[]", "{\"Records\":[{\"a\":1},]}", "{\"Records\":[1]}"])
    func hashCheckedBytesThatAreNotRecordsAreNotGuessedAt(_ text: String) {
        guard case .failure(let unreadable) = LogFileRecords.split(Array(text.utf8), keeping: []) else {
            Issue.record("\(text) split")
            return
        }
        #expect(!unreadable.reason.isEmpty)
    }

    @Test func recordsLeaveFromVerificationsOwnReadOfEachFile() throws {
        // A store that counts reads: each log file is read once, whether records are released or not.
        let scenario = try TrailScenario("records-one-read") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let counting = CountingStore(try scenario.store)
        let release = RecordRelease(options: .init(), sink: CollectingSink(), verifiedAt: .now)
        let report = try plannedVerifier(counting, keys: try scenario.keyRing())
            .runWithHeads(consumer: release).report
        let summary = try release.finish(report: report)
        #expect(summary.logFilesReleased == scenario.trail.logFiles.count)
        let logReads = counting.reads.filter { $0.key.contains("/CloudTrail/") }
        #expect(logReads.count == scenario.trail.logFiles.count)
        #expect(!logReads.isEmpty)
        #expect(logReads.values.allSatisfy { $0 == 1 })
    }

    @Test func aTransferRetriedFromTheStartReleasesOnlyTheSecondAttempt() throws {
        let scenario = try TrailScenario("records-retry") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let (_, direct, directSink) = try Self.release(scenario)
        let sink = CollectingSink()
        let release = RecordRelease(options: .init(), sink: sink, verifiedAt: UTCTime(secondsSinceEpoch: 1_800_000_000))
        let retrying = RetryingStore(try scenario.store, brokenBytes: 100)
        let report = try plannedVerifier(retrying, keys: try scenario.keyRing())
            .runWithHeads(consumer: release).report
        let summary = try release.finish(report: report)
        #expect(report.totals.exitStatus == 0)
        #expect(summary.released == direct.released)
        #expect(sink.lines == directSink.lines)
    }

    /// Locations verified a batch at a time, and a location cut by date folder, release every
    /// record once, as one batch does.
    @Test func batchesAndCutLocationsReleaseEveryRecordOnce() throws {
        let scenario = try TrailScenario("records-cut") { $0.hours = 40; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        let (_, wholeSummary, whole) = try Self.release(scenario, batchLimit: .max)
        var expected = 0
        for log in scenario.trail.logFiles { expected += try Self.recordCount(try Self.body(scenario, log.key)) }
        #expect(wholeSummary.released == expected)
        for limit in [1, 60] {
            let (_, summary, cut) = try Self.release(scenario, batchLimit: limit)
            #expect(summary.released == expected && summary.duplicates == 0 && summary.logFilesReleased == scenario.trail.logFiles.count)
            #expect(cut.lines.map { Array($0) }.sorted { $0.lexicographicallyPrecedes($1) }
                    == whole.lines.map { Array($0) }.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test func theOrderIsTheSameWhateverTheConcurrency() throws {
        let scenario = try TrailScenario("records-order") { $0.hours = 6; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        let one = try Self.release(scenario, workers: 1).2.lines
        let many = try Self.release(scenario, workers: 7).2.lines
        #expect(one == many)
        #expect(!one.isEmpty)
    }

    @Test func matchFiltersByDottedPathAndOrsTheSamePath() throws {
        let scenario = try TrailScenario("records-match") { $0.hours = 5 }
        defer { scenario.scratch.remove() }
        let (_, all, allSink) = try Self.release(scenario) { $0.provenance = false }
        let objects = try allSink.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
        let expected = objects.filter {
            ["sts.amazonaws.com", "iam.amazonaws.com"].contains($0["eventSource"] as? String) && (($0["readOnly"] as? Bool) == false)
        }.count
        let (_, summary, sink) = try Self.release(scenario) { options in
            options.provenance = false
            options.filter.add("eventSource=sts.amazonaws.com")
            options.filter.add("eventSource=iam.*")
            options.filter.add("readOnly=false")
        }
        #expect(sink.lines.count == expected)
        #expect(summary.filteredOut == all.released - expected)
        #expect(expected > 0)
    }

    @Test(arguments: [("*:role/admin*", "arn:aws:iam::1:role/admin-x", true), ("*:role/admin*", "arn:aws:iam::1:role/Admin", false),
                      ("a?c", "abc", true), ("a?c", "ac", false), ("*", "", true), ("s3.*", "s3.amazonaws.com", true), ("x", "xy", false)])
    func globsMatchLikeAShell(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(RecordFilter.glob(pattern, matches: text) == expected)
    }

    @Test func aDuplicateEventIDWithinTheWindowIsDropped() {
        var window = DedupeWindow(seconds: 24 * 3600)
        let base = UTCTime(secondsSinceEpoch: 1_700_000_000)
        let first = window.isDuplicate(hash: DedupeWindow.hash(Array("a".utf8)[...]), at: base)
        let again = window.isDuplicate(hash: DedupeWindow.hash(Array("a".utf8)[...]), at: base.adding(seconds: 3600))
        let later = window.isDuplicate(hash: DedupeWindow.hash(Array("a".utf8)[...]), at: base.adding(seconds: 25 * 3600))
        let other = window.isDuplicate(hash: DedupeWindow.hash(Array("b".utf8)[...]), at: base)
        #expect(!first)
        #expect(again)
        #expect(!later, "outside the window: kept")
        #expect(!other)
    }
}
