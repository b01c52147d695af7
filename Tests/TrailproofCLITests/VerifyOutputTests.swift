import Foundation
import Testing
import TrailproofKit
import TrailproofTrailGen

/// What `trailproof verify` prints: the JSON report and the verbose listing.
@Suite struct VerifyOutputTests {
    static func parseJSON(_ run: BuiltBinary.Run) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not a JSON object:\n\(run)")
    }

    @Test func jsonFormatPrintsOneParseableReportWithTotals() throws {
        let trail = try CLITrail("json")
        defer { trail.remove() }
        let run = try trail.verify(["--format", "json"])
        #expect(run.status == 0, "\(run)")
        let json = try Self.parseJSON(run)
        #expect(json["schemaVersion"] as? Int == 2)
        #expect((json["tool"] as? [String: Any])?["name"] as? String == "trailproof")
        let totals = try #require(json["totals"] as? [String: Any], "\(run)")
        #expect(totals["exitStatus"] as? Int == 0)
        #expect(totals["digests"] as? Int == trail.trail.digests.count)
        #expect(totals["digestsValid"] as? Int == trail.trail.digests.count)
        #expect(totals["logFiles"] as? Int == trail.trail.logFiles.count)
        #expect(totals["logFilesValid"] as? Int == trail.trail.logFiles.count)
        // Valid digests and log files are counted, not listed, unless asked for.
        #expect((json["digests"] as? [Any])?.count == 0)
        #expect((json["logFiles"] as? [Any])?.count == 0)
        #expect((json["scope"] as? [String: Any])?["listsValidLogFiles"] as? Bool == false)
        #expect((totals["signatureSources"] as? [String: Int])?.values.reduce(0, +) == trail.trail.digests.count)
        let listed = try Self.parseJSON(try trail.verify(["--format", "json", "--list-valid"]))
        #expect((listed["digests"] as? [Any])?.count == trail.trail.digests.count)
        #expect((listed["logFiles"] as? [[String: Any]])?.filter { $0["verdict"] as? String == "valid" }.count == trail.trail.logFiles.count)
        #expect((listed["totals"] as? [String: Any])?["logFilesValid"] as? Int == trail.trail.logFiles.count)
        // The text summary is not mixed into the JSON.
        #expect(!run.stdout.contains("Result:"))
        // The same bytes decode as the library's report type.
        let report = try JSONReport.decode(Array(run.stdout.utf8))
        #expect(report.totals.exitStatus == 0)
    }

    @Test func jsonFormatReportsAModifiedLogFileWithExitStatus1() throws {
        let trail = try CLITrail("json-modified")
        defer { trail.remove() }
        let target = trail.trail.logFiles[0].key
        try trail.trail.modifyLogFile(target)
        let run = try trail.verify(["--format", "json"])
        #expect(run.status == 1, "\(run)")
        let json = try Self.parseJSON(run)
        #expect((json["totals"] as? [String: Any])?["exitStatus"] as? Int == 1)
        let logFiles = try #require(json["logFiles"] as? [[String: Any]])
        let record = try #require(logFiles.first { $0["key"] as? String == target }, "\(run)")
        #expect(record["verdict"] as? String == "modified")
        #expect(record["expectedSHA256"] as? String != nil)
        #expect(record["expectedSHA256"] as? String != record["actualSHA256"] as? String)
        // Problems still go to stderr for a person watching.
        #expect(run.stderrLines.contains { $0.hasPrefix("trailproof: log-file modified:") && $0.contains(target) }, "\(run)")
    }

    @Test func ndjsonFormatPrintsOneObjectALineWithTheFindingAndTotalsLast() throws {
        let trail = try CLITrail("ndjson-format")
        defer { trail.remove() }
        let target = trail.trail.logFiles[0].key
        try trail.trail.modifyLogFile(target)
        let run = try trail.verify(["--format", "ndjson", "--list-valid"])
        #expect(run.status == 1, "\(run)")
        let objects = try run.stdoutLines.filter { !$0.isEmpty }.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        #expect(objects.filter { $0["kind"] as? String == "logFile" }.count == trail.trail.logFiles.count)
        // Without --list-valid, the finding alone.
        let findings = try trail.verify(["--format", "ndjson"]).stdoutLines.filter { $0.hasPrefix("{\"kind\":\"logFile\"") }
        #expect(findings.count == 1 && findings[0].contains("\"modified\""), "\(findings)")
        #expect(objects.contains { line in
            let record = line["record"] as? [String: Any]
            return line["kind"] as? String == "logFile" && record?["key"] as? String == target && record?["verdict"] as? String == "modified"
        }, "\(run)")
        let totals = try #require(objects.last)
        #expect(totals["kind"] as? String == "totals")
        #expect((totals["record"] as? [String: Any])?["exitStatus"] as? Int == 1, "\(totals)")
        #expect(!run.stdout.contains("Result:"))
    }

    @Test(arguments: ["--verbose", "-v"])
    func verbosePrintsALineForEveryDigestAndLogFile(_ flag: String) throws {
        let trail = try CLITrail("verbose")
        defer { trail.remove() }
        let run = try trail.verify([flag])
        #expect(run.status == 0, "\(run)")
        let lines = Set(run.stdoutLines)
        for digest in trail.trail.digests {
            #expect(lines.contains("digest valid \(trail.url(digest.key)) [signature: metadata-file]"), "\(digest.key)\n\(run)")
        }
        for log in trail.trail.logFiles {
            #expect(lines.contains("log-file valid \(trail.url(log.key))"), "\(log.key)\n\(run)")
        }
        #expect(run.stdoutLines.filter { $0.hasPrefix("digest ") }.count == trail.trail.digests.count)
        #expect(run.stdoutLines.filter { $0.hasPrefix("log-file ") }.count == trail.trail.logFiles.count)
        #expect(run.stdoutLines.last { !$0.isEmpty } == "Result: VERIFIED", "the verdict ends the output: \(run)")
    }

    @Test func withoutVerboseNoPerFileLinesArePrinted() throws {
        let trail = try CLITrail("quiet")
        defer { trail.remove() }
        let run = try trail.verify()
        #expect(run.status == 0, "\(run)")
        #expect(!run.stdoutLines.contains { $0.hasPrefix("digest ") || $0.hasPrefix("log-file ") }, "\(run)")
    }

    @Test func verboseShowsTheVerdictOfAModifiedLogFile() throws {
        let trail = try CLITrail("verbose-modified")
        defer { trail.remove() }
        let target = trail.trail.logFiles[0].key
        try trail.trail.modifyLogFile(target)
        let run = try trail.verify(["--verbose"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stdoutLines.contains("log-file modified \(trail.url(target))"), "\(run)")
    }
}
