import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// `JSONReport` writes a verification report through `JSONWriter`, its log files and digests
/// record by record: exactly the bytes `JSONEncoder` gives for the whole report.
@Suite struct JSONReportTests {
    /// The encoder's bytes of the report as the JSON report writes it: with its verdict.
    static func encoderBytes(_ report: VerificationReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var written = report
        written.verdict = Verdict(report)
        return Array(try encoder.encode(written)) + [UInt8(ascii: "\n")]
    }

    static let awkward = ["", "plain", "a\"quote", "back\\slash", "slash/es", "tab\tnew\nline\rret", "\u{0}\u{1}\u{7}\u{8}\u{b}\u{c}\u{1f}\u{7f}",
                          "é ü 中文 🙂", "\u{2028}\u{2029}", "\u{202e}bidi", "x\u{301}", "</script>"]

    @Test func aVerifiedTrailsReportIsByteIdentical() throws {
        let scenario = try TrailScenario("json-fast") { $0.hours = 5 }
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.digestWithLogs(1).logKeys[0])
        _ = try scenario.trail.plantLogFile(at: scenario.digests[2].startTime.adding(seconds: 600))
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(report.logFiles.count > 5)
        #expect(try JSONReport.encode(report) == Self.encoderBytes(report))
    }

    /// Every optional top-level member present (a shard, a window), and each empty.
    @Test func everyTopLevelMemberPresentOrEmptyIsByteIdentical() throws {
        let scenario = try TrailScenario("json-members") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        var report = try scenario.verify { $0.listEveryValidRecord() }
        report.shard = ShardRecord(index: 1, count: 4, locations: ["a/\u{1}b", "c\"d"], listingFingerprint: "ab12", locationsListed: 9)
        report.notices = [.recorded("one\tnotice"), .recorded("two")]
        report.totals.signatureSources = ["file": 2]
        #expect(report.chains.count > 0 && report.digests.count > 0)
        #expect(try JSONReport.encode(report) == Self.encoderBytes(report))
        (report.chains, report.digests, report.logFiles, report.gaps, report.objects, report.notices) = ([], [], [], [], [], [])
        report.shard = nil
        #expect(try JSONReport.encode(report) == Self.encoderBytes(report))
    }

    /// Digests written one by one: the encoder's bytes, with awkward text, absent optionals
    /// and empty arrays inside.
    @Test(arguments: [0, 1, 2, 300])
    func digestsAreByteIdentical(count: Int) throws {
        let scenario = try TrailScenario("json-digest-slices") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        var report = try scenario.verify { $0.listEveryValidRecord() }
        var random = SeededGenerator(seed: UInt64(count))
        let template = try #require(report.digests.first)
        report.digests = (0..<count).map { index in
            var record = template
            record.key = "AWSLogs/\(index)/" + Self.awkward.randomElement(using: &random)!
            record.problems = index % 3 == 0 ? [] : [.init(kind: .hashLinkBroken, detail: Self.awkward.randomElement(using: &random)! + "\n")]
            record.namedKey = index % 2 == 0 ? nil : Self.awkward.randomElement(using: &random)
            record.span = index % 5 == 4 ? nil : record.span
            record.hours = index % 4 == 1 ? index : nil
            record.signatureSource = index % 6 == 2 ? nil : record.signatureSource
            return record
        }
        #expect(try JSONReport.encode(report) == Self.encoderBytes(report))
    }

    @Test(arguments: 0..<4)
    func awkwardRecordsAreByteIdentical(seed: UInt64) throws {
        let scenario = try TrailScenario("json-fast-awkward") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        var report = try scenario.verify()
        var random = SeededGenerator(seed: seed + 1)
        let verdicts: [LogFileVerdict] = [.valid, .modified, .missing, .unreferenced, .unverified, .notYetCovered]
        report.logFiles = (0..<40).map { _ in
            func text() -> String { Self.awkward.randomElement(using: &random)! + Self.awkward.randomElement(using: &random)! }
            func maybe() -> String? { Bool.random(using: &random) ? text() : nil }
            return LogFileRecord(key: text(), bucket: text(), digest: maybe(), verdict: verdicts.randomElement(using: &random)!, detail: maybe(),
                                 expectedSHA256: maybe(), actualSHA256: maybe(),
                                 uncompressedBytes: Bool.random(using: &random) ? Int64.random(in: -5...Int64.max, using: &random) : nil,
                                 time: Bool.random(using: &random) ? UTCTime(secondsSinceEpoch: Int64.random(in: 0...4_000_000_000, using: &random)) : nil)
        }
        let fast = try JSONReport.encode(report), reference = try Self.encoderBytes(report)
        #expect(fast == reference, "\(String(decoding: fast.prefix(3000), as: UTF8.self))")
        #expect(try JSONReport.decode(fast).logFiles.count == 40)
    }

    /// Every stored property of a digest and a log file record is written by the hand writer,
    /// each optional present: a field added to a record and not to `JSONReport.write` fails here.
    @Test func everyRecordFieldIsWrittenByTheRecordWriters() throws {
        let scenario = try TrailScenario("json-every-field") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        var report = try scenario.verify { $0.listEveryValidRecord() }
        var digest = try #require(report.digests.first)
        digest.bucket = "b"; digest.signatureSource = .metadataFile; digest.publicKeyFingerprint = "f"
        digest.namedKey = "n"; digest.referencedBy = "r"; digest.hours = 2; digest.expectedKey = "e*"
        digest.problems = [.init(kind: .missing, detail: "d")]
        var log = try #require(report.logFiles.first)
        log.digest = "d"; log.detail = "x"; log.actualSHA256 = "a"; log.expectedSHA256 = "e"; log.time = .now; log.uncompressedBytes = 1
        report.digests = [digest]
        report.logFiles = [log]
        let written = try JSONReport.encode(report)
        #expect(written == (try Self.encoderBytes(report)))
        let object = try #require(try StrictJSON.parse(written).objectValue)
        for (member, record) in [("digests", Mirror(reflecting: digest)), ("logFiles", Mirror(reflecting: log))] {
            let names = Set(record.children.compactMap(\.label))
            #expect(names.count > 8)
            guard case .array(let items)? = object[ObjectKey(member)], case .object(let fields)? = items.first else {
                Issue.record("no \(member)"); continue
            }
            #expect(Set(fields.keys.map(\.text)) == names, "\(member)")
        }
    }
}
