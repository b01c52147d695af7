import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// CloudTrail Lake query exports: every problem is reported, not only the first.
@Suite struct QueryResultsTests {
    struct Export {
        let scratch: ScratchDirectory
        let results: GeneratedQueryResults

        init(_ label: String, configure: (inout QueryResultsSpec) -> Void = { _ in }) throws {
            var spec = QueryResultsSpec()
            configure(&spec)
            scratch = try ScratchDirectory("lake-\(label)")
            results = try QueryResultsGenerator.generate(spec, into: scratch.path)
        }

        func verify(keysFile: String? = nil) throws -> QueryResultsReport {
            let (ring, sources) = try KeyFiles.load([keysFile ?? results.publicKeysFile])
            return try QueryResultsVerifier(store: try DirectoryStore(root: results.folderPath), folder: "").run { _, _ in (ring, sources) }
        }
    }

    @Test(arguments: [(1, 1 as UInt64), (3, 7), (8, 42)])
    func anUntouchedExportVerifies(files: Int, seed: UInt64) throws {
        let export = try Export("valid") { $0.files = files; $0.seed = seed; $0.region = seed == 7 ? "eu-west-2" : "us-east-1" }
        defer { export.scratch.remove() }
        let report = try export.verify()
        #expect(report.signFile.verdict == .valid, "\(report.signFile)")
        #expect(report.files.count == files)
        #expect(report.files.allSatisfy { $0.verdict == .valid })
        #expect(report.totals.exitStatus == 0)
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() throws {
        let export = try Export("many") { $0.files = 5 }
        defer { export.scratch.remove() }
        let names = export.results.fileNames
        try export.results.modifyFile(names[0])
        try export.results.delete(names[2])
        try export.results.modifyFile(names[4])
        try export.results.plant("result_6.csv.gz")
        try export.results.plant("notes.txt")
        let report = try export.verify()
        #expect(report.signFile.verdict == .valid)
        let verdicts = Dictionary(uniqueKeysWithValues: report.files.map { ($0.name, $0.verdict) })
        #expect(verdicts == [names[0]: .modified, names[1]: .valid, names[2]: .missing, names[3]: .valid, names[4]: .modified,
                             "result_6.csv.gz": .unlisted, "notes.txt": .unlisted])
        #expect(report.totals.findings == 5)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aHashEditedInTheSignFileBreaksTheSignatureAndNoFileIsProven() throws {
        let export = try Export("edited-sign") { $0.files = 2 }
        defer { export.scratch.remove() }
        let name = export.results.fileNames[0]
        try export.results.modifyFile(name)
        let actual = try MessageDigest.sha256Hex(try LocalFile.readAll(export.results.path(of: name), limit: 1 << 24))
        let listed = try #require(try export.verify().files.first?.expectedSHA256)
        try export.results.rewriteSignFile { $0.replacingOccurrences(of: listed, with: actual) }
        let report = try export.verify()
        #expect(report.signFile.verdict == .signatureInvalid)
        #expect(report.files.allSatisfy { $0.verdict == .unverified }, "\(report.files.map(\.verdict))")
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aSignFileSignedByAnUnknownKeyIsPublicKeyNotFound() throws {
        let export = try Export("unknown-key") { $0.keyIndex = 3 }
        defer { export.scratch.remove() }
        let other = try Export("other-key") { $0.keyIndex = 4 }
        defer { other.scratch.remove() }
        let report = try export.verify(keysFile: other.results.publicKeysFile)
        #expect(report.signFile.verdict == .publicKeyNotFound)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aKeyNotValidAtQueryCompletionIsPublicKeyNotFound() throws {
        let export = try Export("expired-key") { $0.completedAt = UTCTime(year: 2026, month: 6, day: 1)! }
        defer { export.scratch.remove() }
        let key = try SigningAuthority.key(0)
        let file = export.scratch.path + "/old.json"
        let old = TimeSpan(start: UTCTime(year: 2025, month: 1, day: 1)!, end: UTCTime(year: 2025, month: 2, day: 1)!)
        try LocalFile.write(SigningAuthority.listPublicKeysJSON([(key, old)]), to: file)
        let report = try export.verify(keysFile: file)
        #expect(report.signFile.verdict == .publicKeyNotFound)
        #expect(report.signFile.detail?.contains("not valid at queryCompleteTime") == true)
    }

    @Test func aMissingSignFileIsAFindingAndEveryFileIsUnlisted() throws {
        let export = try Export("no-sign") { $0.files = 2 }
        defer { export.scratch.remove() }
        try export.results.delete(QuerySignFile.fileName)
        let report = try export.verify()
        #expect(report.signFile.verdict == .missing)
        #expect(report.files.map(\.verdict) == [.unlisted, .unlisted])
        #expect(report.totals.exitStatus == 1)
    }

    static let malformedSignFiles: [(String, @Sendable (String) -> String)] = [
        ("not json", { _ in "garbage" }),
        ("duplicate member", { $0.replacingOccurrences(of: "\"version\":\"1.0\"", with: "\"version\":\"1.0\",\"version\":\"2.0\"") }),
        ("unsafe name", { $0.replacingOccurrences(of: "result_1.csv.gz", with: "../../../etc/passwd") }),
        ("duplicate name", { $0.replacingOccurrences(of: "result_2.csv.gz", with: "result_1.csv.gz") }),
        ("other hash algorithm", { $0.replacingOccurrences(of: "\"SHA-256\"", with: "\"MD5\"") }),
        ("bad time", { $0.replacingOccurrences(of: "2026-01-09T07:14:03Z", with: "yesterday") }),
        ("region not a region", { $0.replacingOccurrences(of: "\"us-east-1\"", with: "\"evil.example.com/x\"") }),
        ("files not an array", { text in
            guard let start = text.range(of: "\"files\":"), let end = text.range(of: "],\"hashAlgorithm\"") else { return text }
            return text.replacingCharacters(in: start.upperBound..<end.upperBound, with: "{},\"hashAlgorithm\"")
        }),
    ]

    @Test(arguments: 0..<8)
    func aMalformedSignFileIsAFindingNotACrash(_ index: Int) throws {
        let (label, transform) = Self.malformedSignFiles[index]
        let export = try Export("malformed-\(index)") { $0.files = 2 }
        defer { export.scratch.remove() }
        try export.results.rewriteSignFile(transform)
        let report = try export.verify()
        #expect(report.signFile.verdict == .malformed, "\(label): \(report.signFile)")
        #expect(report.files.allSatisfy { $0.verdict == .unlisted }, "\(label)")
        #expect(report.totals.exitStatus == 1)
    }

    @Test func anEmptyFolderIsAnErrorNotAPass() throws {
        let scratch = try ScratchDirectory("lake-empty")
        defer { scratch.remove() }
        #expect(throws: StoreError.self) {
            try QueryResultsVerifier(store: try DirectoryStore(root: scratch.path), folder: "").run { _, _ in (PublicKeyRing(), []) }
        }
    }

    @Test func swappedFileNamesAreANotice() throws {
        let export = try Export("swapped") { $0.files = 2 }
        defer { export.scratch.remove() }
        let (first, second) = (export.results.fileNames[0], export.results.fileNames[1])
        try FileManager.default.moveItem(atPath: export.results.path(of: first), toPath: export.results.path(of: "tmp"))
        try FileManager.default.moveItem(atPath: export.results.path(of: second), toPath: export.results.path(of: first))
        try FileManager.default.moveItem(atPath: export.results.path(of: "tmp"), toPath: export.results.path(of: second))
        try export.results.rewriteSignFile {
            $0.replacingOccurrences(of: first, with: "TMP").replacingOccurrences(of: second, with: first).replacingOccurrences(of: "TMP", with: second)
        }
        let report = try export.verify()
        #expect(report.totals.exitStatus == 0)
        #expect(report.notices.contains { $0.contains("not named result_1, result_2") })
    }
}
