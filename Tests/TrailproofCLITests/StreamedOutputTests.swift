import Foundation
import Testing
import TrailproofNative
import TrailproofTrailGen

/// What a run finds is printed as each batch of locations is verified: NDJSON records on
/// standard output and finding lines on standard error, the notes and totals at the end; the
/// lines are exactly those of the report written whole.
@Suite struct StreamedOutputTests {
    static func kind(_ line: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
    }

    @Test func ndjsonIsWrittenBatchByBatchWithTheWholeReportsLines() throws {
        let trail = try CLITrail("streamed") {
            $0.accounts = ["111122223333", "444455556666"]
            $0.regions = ["us-east-1", "eu-west-2"]
            $0.hours = 3
        }
        defer { trail.remove() }
        let modified = try #require(trail.trail.logFiles.last).key
        try trail.trail.modifyLogFile(modified)
        let stray = "AWSLogs/111122223333/CloudTrail/us-east-1/stray.txt"
        try trail.trail.overwriteObject(stray, with: Array("x".utf8))
        let whole = trail.scratch.path + "/whole.ndjson"
        // One location a batch.
        let run = try trail.verify(["--format", "ndjson", "--list-valid", "--report", "ndjson=\(whole)"],
                                   environment: ["TRAILPROOF_BATCH_OBJECTS": "1"])
        #expect(run.status == 1, "\(run)")
        let lines = run.stdoutLines.filter { !$0.isEmpty }
        let written = String(decoding: try LocalFile.readAll(whole, limit: 1 << 24), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(lines.sorted() == written.sorted())
        let kinds = lines.map { Self.kind($0) ?? "?" }
        #expect(kinds.prefix(2) == ["header", "scope"])
        #expect(kinds.last == "totals")
        #expect(kinds.filter { $0 == "chain" }.count == 4)
        // Batch by batch: the second batch's chain comes after the first batch's digests, where
        // the report written whole has every chain first.
        let firstDigest = try #require(kinds.firstIndex(of: "digest"))
        #expect(try #require(kinds.lastIndex(of: "chain")) > firstDigest)
        let writtenKinds = written.map { Self.kind($0) ?? "?" }
        #expect(try #require(writtenKinds.lastIndex(of: "chain")) < writtenKinds.firstIndex(of: "digest") ?? 0)
        // Each finding once on standard error, notes after them.
        #expect(run.stderrLines.filter { $0.contains("log-file modified:") && $0.contains(modified) }.count == 1, "\(run)")
        #expect(run.stderrLines.filter { $0.contains("object unexpected:") && $0.contains(stray) }.count == 1, "\(run)")
        let lastFinding = try #require(run.stderrLines.lastIndex { !$0.hasPrefix("trailproof: note:") && !$0.isEmpty })
        #expect(run.stderrLines.firstIndex { $0.hasPrefix("trailproof: note:") }.map { $0 > lastFinding } ?? true)

        // The same run in one batch prints the same lines.
        let single = try trail.verify(["--format", "ndjson", "--list-valid"])
        #expect(single.stdoutLines.filter { !$0.isEmpty }.sorted() == lines.sorted())
        #expect(single.stderrLines.sorted() == run.stderrLines.sorted())
    }

    /// A genuine digest moved to two other names lists its log files twice over: the lines
    /// printed as each batch finishes name each of them unverified once, as the report does.
    @Test func aLogFileListedByTwoFailedDigestsIsPrintedOnce() throws {
        let trail = try CLITrail("streamed-moved-twice") { $0.seed = 12; $0.hours = 4 }
        defer { trail.remove() }
        let target = try #require(trail.trail.primaryDigestsWithLogs.first)
        for offset in 1...2 {
            let copy = target.key.replacingOccurrences(of: target.endTime.compact(withSeconds: true),
                                                       with: target.endTime.adding(seconds: Int64(offset)).compact(withSeconds: true))
            try LocalFile.write(try LocalFile.readAll(trail.trail.path(of: target.key), limit: 1 << 24), to: trail.trail.path(of: copy))
            try LocalFile.write(try LocalFile.readAll(trail.trail.path(of: target.key) + ".metadata.json", limit: 1 << 20),
                                to: trail.trail.path(of: copy) + ".metadata.json")
        }
        try trail.trail.deleteObject(target.key)
        let run = try trail.verify(["--format", "ndjson"])
        #expect(run.status == 1, "\(run)")
        for key in target.logKeys {
            #expect(run.stderrLines.filter { $0.contains("log-file unverified:") && $0.contains(key) }.count == 1, "\(run)")
            #expect(run.stdoutLines.filter { Self.kind($0) == "logFile" && $0.contains(key) }.count == 1, "\(run)")
        }
    }
}
