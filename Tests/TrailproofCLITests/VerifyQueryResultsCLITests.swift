import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `trailproof verify-query-results DIR` through the built binary: exit statuses and output.
@Suite struct VerifyQueryResultsCLITests {
    static func export(_ label: String, files: Int = 3) throws -> (ScratchDirectory, GeneratedQueryResults) {
        let scratch = try ScratchDirectory("cli-lake-\(label)")
        var spec = QueryResultsSpec()
        spec.files = files
        spec.seed = UInt64(label.count)
        return (scratch, try QueryResultsGenerator.generate(spec, into: scratch.path))
    }

    @Test func anUntouchedExportExitsZeroWithASummary() throws {
        let (scratch, results) = try Self.export("valid")
        defer { scratch.remove() }
        let run = try BuiltBinary.run(["verify-query-results", results.folderPath, "--public-keys", results.publicKeysFile])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutLines.contains("Sign file: valid"), "\(run)")
        #expect(run.stdoutLines.contains("3/3 result files valid"), "\(run)")
        #expect(run.stdout.hasSuffix("Result: VERIFIED\n"), "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
    }

    @Test func tamperingExitsOneWithALinePerProblemAndTheJSONSaysTheSame() throws {
        let (scratch, results) = try Self.export("tampered")
        defer { scratch.remove() }
        try results.modifyFile(results.fileNames[0])
        try results.plant("result_4.csv.gz")
        let run = try BuiltBinary.run(["verify-query-results", results.folderPath, "--public-keys", results.publicKeysFile, "--format", "json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderrLines.filter { $0.hasPrefix("trailproof: result-file ") }.count == 2, "\(run)")
        let report = try JSONDecoder().decode(QueryResultsReport.self, from: Data(run.stdout.utf8))
        #expect(report.totals.filesByVerdict == ["modified": 1, "valid": 2, "unlisted": 1])
        #expect(report.totals.exitStatus == 1)
    }

    @Test func operationalErrorsExitTwo() throws {
        let (scratch, results) = try Self.export("errors")
        defer { scratch.remove() }
        let empty = scratch.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        for arguments in [[empty, "--public-keys", results.publicKeysFile],
                          [scratch.path + "/absent", "--public-keys", results.publicKeysFile],
                          [results.folderPath, "--public-keys", scratch.path + "/no-keys.json"],
                          [results.folderPath, "--public-keys", results.publicKeysFile, "--concurrency", "0"]] {
            let run = try BuiltBinary.run(["verify-query-results"] + arguments)
            #expect(run.status == 2, "\(run)")
        }
    }

    @Test func aQueryIDThatIsNotTheFoldersIsExit2AndTheFoldersPasses() throws {
        let (scratch, results) = try Self.export("query-id")
        defer { scratch.remove() }
        let folderID = String(results.folderKey.dropLast().split(separator: "/").last ?? "")
        let other = try BuiltBinary.run(["verify-query-results", results.folderPath, "--public-keys", results.publicKeysFile,
                                         "--query-id", "11111111-2222-3333-4444-555555555555"])
        #expect(other.status == 2, "\(other)")
        #expect(other.stderr.contains("--query-id 11111111-2222-3333-4444-555555555555 is not the query of"), "\(other)")
        #expect(other.stdout.isEmpty, "\(other)")
        let own = try BuiltBinary.run(["verify-query-results", results.folderPath, "--public-keys", results.publicKeysFile, "--query-id", folderID])
        #expect(own.status == 0, "\(own)")
        #expect(own.stdoutLines.contains("Query \(folderID) of 2026/01/09 (the query named by --query-id)"), "\(own)")
    }

    @Test func anExportMovedToAnotherDaysFolderExitsOne() throws {
        let (scratch, results) = try Self.export("moved-day")
        defer { scratch.remove() }
        let folderID = String(results.folderKey.dropLast().split(separator: "/").last ?? "")
        let moved = results.root + "/AWSLogs/111122223333/CloudTrail-Lake/Query/2026/01/02/" + folderID
        try FileManager.default.createDirectory(atPath: moved, withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: moved)
        try FileManager.default.moveItem(atPath: results.folderPath, toPath: moved)
        let run = try BuiltBinary.run(["verify-query-results", moved, "--public-keys", results.publicKeysFile, "--format", "json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("trailproof: folder date-mismatch: "), "\(run)")
        let report = try JSONDecoder().decode(QueryResultsReport.self, from: Data(run.stdout.utf8))
        #expect(report.signFile.verdict == .valid)
        #expect(report.folder?.verdict == .dateMismatch)
        #expect(report.totals.findings == 1)
    }
}
