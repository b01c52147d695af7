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
            try verify(store: try DirectoryStore(root: results.folderPath), keysFile: keysFile)
        }

        /// Verifies through `store` (the folder, or a store wrapping it), the folder's path naming the query.
        func verify(store: ObjectStore, keysFile: String? = nil, queryID: String? = nil, path: String? = nil) throws -> QueryResultsReport {
            let (ring, sources) = try KeyFiles.load([keysFile ?? results.publicKeysFile])
            return try QueryResultsVerifier(store: store, folder: "", location: QueryFolder(path: path ?? results.folderPath))
                .run(queryID: queryID) { _, _ in (ring, sources) }
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
        #expect(!report.files.isEmpty)
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
        // The algorithms are compared as bytes: another case or a trailing byte is another name.
        ("hash algorithm in lower case", { $0.replacingOccurrences(of: "\"SHA-256\"", with: "\"sha-256\"") }),
        ("other signature algorithm", { $0.replacingOccurrences(of: "\"SHA256withRSA\"", with: "\"SHA256withRSA \"") }),
        ("bad time", { $0.replacingOccurrences(of: "2026-01-09T07:14:03Z", with: "yesterday") }),
        ("region not a region", { $0.replacingOccurrences(of: "\"us-east-1\"", with: "\"evil.example.com/x\"") }),
        ("files not an array", { text in
            guard let start = text.range(of: "\"files\":"), let end = text.range(of: "],\"hashAlgorithm\"") else { return text }
            return text.replacingCharacters(in: start.upperBound..<end.upperBound, with: "{},\"hashAlgorithm\"")
        }),
    ]

    @Test(arguments: 0..<10)
    func aMalformedSignFileIsAFindingNotACrash(_ index: Int) throws {
        let (label, transform) = Self.malformedSignFiles[index]
        let export = try Export("malformed-\(index)") { $0.files = 2 }
        defer { export.scratch.remove() }
        try export.results.rewriteSignFile(transform)
        let report = try export.verify()
        #expect(report.signFile.verdict == .malformed, "\(label): \(report.signFile)")
        #expect(!report.files.isEmpty, "\(label)")
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
        #expect(report.notices.contains(.resultNamesOutOfOrder))
    }

    @Test func anUnsignedSignFileListing140000NamesReadsNothingItLists() throws {
        let export = try Export("planted-many") { $0.files = 3 }
        defer { export.scratch.remove() }
        // A planted sign file: 140,000 names, a signature it does not have.
        try export.results.rewriteSignFile { text in
            let entries = (0..<140_000).map { String(format: "{\"fileHashValue\":\"%064x\",\"fileName\":\"result_%d.csv.gz\"}", $0, $0 + 1) }
            guard let start = text.range(of: "\"files\":["), let end = text.range(of: "],\"hashAlgorithm\"") else { return text }
            return text.replacingCharacters(in: start.upperBound..<end.lowerBound, with: entries.joined(separator: ","))
        }
        let store = CountingStore(try DirectoryStore(root: export.results.folderPath))
        let report = try export.verify(store: store)
        #expect(store.reads == [QuerySignFile.fileName: 1], "only the sign file is read: \(store.reads.count) objects read")
        #expect(report.signFile.verdict == .signatureInvalid)
        #expect(report.totals.listed == 140_000)
        #expect(report.files.map(\.name) == export.results.fileNames, "what is present, by name, and nothing the sign file lists")
        #expect(!report.files.isEmpty)
        #expect(report.files.allSatisfy { $0.verdict == .unverified && $0.actualSHA256 == nil })
        #expect(try JSONReport.encode(report).count < 16_384, "the report does not grow with what an unsigned sign file lists")
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aSignFileWhoseSignatureFailsGetsItsFindingsWithoutAnyObjectRead() throws {
        for (label, keysFile) in [("edited", nil as String?), ("unknown-key", "other")] {
            let export = try Export("unread-\(label)") { $0.files = 4 }
            defer { export.scratch.remove() }
            let other = try Export("unread-other-\(label)") { $0.keyIndex = 4 }
            defer { other.scratch.remove() }
            if keysFile == nil {
                let listed = try #require(try export.verify().files.first?.expectedSHA256)
                try export.results.rewriteSignFile { $0.replacingOccurrences(of: listed, with: String(repeating: "0", count: 64)) }
            }
            try export.results.delete(export.results.fileNames[1])
            let store = CountingStore(try DirectoryStore(root: export.results.folderPath))
            let report = try export.verify(store: store, keysFile: keysFile == nil ? nil : other.results.publicKeysFile)
            #expect(store.reads.keys.sorted() == [QuerySignFile.fileName], "\(label): \(store.reads)")
            #expect(report.signFile.verdict != .valid, "\(label)")
            #expect(report.files.count == 3, "\(label): present files only, the deleted one is not named")
            #expect(report.files.allSatisfy { $0.verdict == .unverified }, "\(label)")
        }
    }

    @Test func everyObjectUnderTheFolderIsAccountedForByTheBytesOfItsName() throws {
        let export = try Export("accounted") { $0.files = 2 }
        defer { export.scratch.remove() }
        // Listed under one spelling (NFC), present under another (NFD): two objects, not one.
        let nfc = "r\u{00E9}sultat.csv.gz", nfd = "re\u{0301}sultat.csv.gz"
        #expect(nfc == nfd, "Swift calls them equal")
        let bytes = try Gzip.compress(Array("eventID\nx\n".utf8))
        try LocalFile.write(bytes, to: export.results.path(of: nfd))
        var files = try export.results.fileNames.map { ($0, try MessageDigest.sha256Hex(try LocalFile.readAll(export.results.path(of: $0), limit: 1 << 24))) }
        files.append((nfc, try MessageDigest.sha256Hex(bytes)))
        try QueryResultsGenerator.writeSignFile(files: files, region: "us-east-1", completedAt: QueryResultsSpec().completedAt,
                                                signer: try SigningAuthority.key(0), to: export.results.folderPath)
        try export.results.plant("sub/result_1.csv.gz")
        let store = ExtraObjectsStore(try DirectoryStore(root: export.results.folderPath),
                                      extra: [("x/", Array("data".utf8)), ("", Array("marker".utf8)), ("y/\u{0301}z", Array("q".utf8))])
        let report = try export.verify(store: store)
        #expect(report.signFile.verdict == .valid, "\(report.signFile)")
        let verdicts = report.files.map { ($0.name, $0.verdict) }
        #expect(verdicts.filter { Array($0.0.utf8) == Array(nfc.utf8) }.map(\.1) == [.missing])
        #expect(verdicts.filter { Array($0.0.utf8) == Array(nfd.utf8) }.map(\.1) == [.unlisted])
        for name in ["x/", "", "sub/result_1.csv.gz", "y/\u{0301}z"] {
            #expect(verdicts.filter { Array($0.0.utf8) == Array(name.utf8) }.map(\.1) == [.unlisted], "\(name.debugDescription): \(verdicts)")
        }
        #expect(report.totals.findings == 6)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func theSignatureIsCheckedOverTheHashValuesAsWritten() throws {
        let export = try Export("as-written") { $0.files = 2 }
        defer { export.scratch.remove() }
        let files = try export.results.fileNames.map { ($0, try MessageDigest.sha256Hex(try LocalFile.readAll(export.results.path(of: $0), limit: 1 << 24)).uppercased()) }
        try QueryResultsGenerator.writeSignFile(files: files, region: "us-east-1", completedAt: QueryResultsSpec().completedAt,
                                                signer: try SigningAuthority.key(0), to: export.results.folderPath)
        let report = try export.verify()
        #expect(report.signFile.verdict == .valid, "signed over upper-case values as written: \(report.signFile)")
        #expect(!report.files.isEmpty)
        #expect(report.files.allSatisfy { $0.verdict == .valid })
    }

    @Test func aQueryIDThatIsNotTheFoldersIsRefusedBeforeAnythingIsRead() throws {
        let export = try Export("query-id")
        defer { export.scratch.remove() }
        let folderID = QueryFolder(path: export.results.folderPath).queryID
        #expect(export.results.folderKey.hasSuffix("/\(folderID)/"))
        let store = CountingStore(try DirectoryStore(root: export.results.folderPath))
        #expect(throws: QueryResultsError.otherQuery(named: "0f0f0f0f-other", folder: folderID, source: store.displayName)) {
            try export.verify(store: store, queryID: "0f0f0f0f-other")
        }
        #expect(throws: QueryResultsError.self) { try export.verify(store: store, queryID: folderID.uppercased()) }
        #expect(store.reads.isEmpty)
        let named = try export.verify(store: store, queryID: folderID)
        #expect(named.folder?.queryID == folderID)
        #expect(named.folder?.queryIDNamed == true)
        #expect(named.folder?.verdict == .consistent)
        #expect(named.totals.exitStatus == 0)
    }

    @Test func anExportInAFolderOfAnotherDayIsAFinding() throws {
        let export = try Export("other-day")   // completed 2026-01-09T07:14:03Z
        defer { export.scratch.remove() }
        let folderID = QueryFolder(path: export.results.folderPath).queryID
        let path = { (day: String) in export.results.root + "/AWSLogs/111122223333/CloudTrail-Lake/Query/\(day)/\(folderID)/" }
        for (day, verdict) in [("2026/01/09", QueryFolderVerdict.consistent), ("2026/01/08", .consistent), ("2026/01/10", .consistent),
                               ("2026/01/07", .dateMismatch), ("2025/12/09", .dateMismatch)] {
            let report = try export.verify(store: try DirectoryStore(root: export.results.folderPath), path: path(day))
            #expect(report.folder?.verdict == verdict, "\(day)")
            #expect(report.folder?.datePath == day)
            #expect(report.totals.exitStatus == (verdict == .consistent ? 0 : 1), "\(day)")
        }
        let elsewhere = try export.verify(store: try DirectoryStore(root: export.results.folderPath), path: "/tmp/downloads/\(folderID)")
        #expect(elsewhere.folder?.verdict == .unchecked)
        #expect(elsewhere.notices.contains(.queryFolderNotLaidOut))
        #expect(elsewhere.totals.exitStatus == 0)
    }
}
