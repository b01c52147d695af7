import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `trailproof records` through the built binary: records on stdout or in files, everything else
/// on stderr, verify's exit status.
@Suite struct RecordsCLITests {
    @Test func recordsGoToStandardOutputAndTheSummaryToStandardError() throws {
        let trail = try CLITrail("records-stdout")
        defer { trail.remove() }
        let run = try BuiltBinary.run(["records", trail.trail.root, "--public-keys", trail.trail.publicKeysFile])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["trailproof"] != nil)
        }
        #expect(run.stderrLines.contains("Result: VERIFIED"), "\(run.stderr)")
        #expect(run.stderr.contains("Records: \(lines.count) released"), "\(run.stderr)")
    }

    @Test func aGzipFileSinkIsReadByGzipAndEqualsThePlainOne() throws {
        let trail = try CLITrail("records-gz")
        defer { trail.remove() }
        let plain = trail.scratch.path + "/records.ndjson", packed = trail.scratch.path + "/records.ndjson.gz"
        let run = try BuiltBinary.run(["records", trail.trail.root, "--public-keys", trail.trail.publicKeysFile, "--out", plain, "--out", packed])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let unzipped = try BuiltBinary.run(program: "/usr/bin/env", ["gzip", "-dc", packed])
        #expect(unzipped.status == 0)
        #expect(unzipped.stdout == String(decoding: try LocalFile.readAll(plain, limit: 1 << 26), as: UTF8.self))
    }

    @Test func tamperingExitsOneAndWithholdsTheTamperedRecords() throws {
        let trail = try CLITrail("records-tampered") { $0.hours = 5 }
        defer { trail.remove() }
        let modified = trail.trail.primaryDigestsWithLogs[1].logKeys[0]
        try trail.trail.modifyLogFile(modified)
        let run = try BuiltBinary.run(["records", trail.trail.root, "--public-keys", trail.trail.publicKeysFile, "--provenance", "none"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("log-file modified: \(trail.url(modified))"))
        #expect(run.stderr.contains("Withheld log files: 1 modified"), "\(run.stderr)")
        // The modified file's forged event is nowhere in the output.
        let forged = try Gzip.decompress(try trail.trail.readObject(modified), limit: 1 << 24)
        let records = try #require((try JSONSerialization.jsonObject(with: Data(forged)) as? [String: Any])?["Records"] as? [[String: Any]])
        for record in records {
            if let id = record["eventID"] as? String { #expect(!run.stdout.contains(id)) }
        }
    }

    @Test(arguments: [["--match", "noequals"], ["--out", "-", "--out", "-"], ["--out", "s3://bucket/prefix/"], ["--dedupe-hours", "-1"],
                      ["--report", "json=-"]])
    func badRecordsOptionsAreUsageErrors(_ extra: [String]) throws {
        let trail = try CLITrail("records-usage")
        defer { trail.remove() }
        let run = try BuiltBinary.run(["records", trail.trail.root, "--public-keys", trail.trail.publicKeysFile] + extra)
        #expect(run.status == 2, "\(run)")
    }
}
