import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `StrictJSON.decode`: one strict pass over the bytes decodes the state file and the archive
/// manifest (and anything `Decodable`); what the strict reader refuses, and what does not fit
/// the type, is refused, never rounded, never a trap.
@Suite struct JSONValueDecoderTests {
    static let location = TrailLocation(keyPrefix: "p", organizationID: nil, accountID: "111122223333", region: "eu-west-2")

    /// A state with every member filled.
    static var state: TrailState {
        var state = TrailState(source: "s3://bucket/prefix/")
        let end = UTCTime(secondsSinceEpoch: 1_767_225_600)
        state.heads[ObjectKey("111122223333/eu-west-2")] = TrailState.Head(
            key: "AWSLogs/x é.json.gz", endTime: end, sha256: String(repeating: "a", count: 64), signature: "0f", location: location)
        state.releasedThrough[ObjectKey("111122223333/eu-west-2")] = end
        state.releasedPastMark[ObjectKey("c")] = [TrailState.ReleasedFile(digestEnd: end, sha256: "bb")]
        state.recentEventIDs = ["0123456789abcdef": 1_767_225_000, "ffffffffffffffff": Int64.max]
        state.days[ObjectKey("111122223333/eu-west-2/2026/01/01")] = "cafe"
        state.sinkOffsets = ["out.ndjson": 0, "other": Int64.min]
        return state
    }

    static func encoded(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// The state's JSON with `member` set to `json`.
    static func state(with member: String, _ json: String) throws -> [UInt8] {
        var object = try #require(try StrictJSON.parse(try encoded(state)).objectValue)
        object[ObjectKey(member)] = try StrictJSON.parse(Array(json.utf8))
        return Array(JSONValueText.text(.object(object)).utf8)
    }

    @Test func decodesWhatJSONEncoderWritesAsJSONDecoderDoes() throws {
        let bytes = try Self.encoded(Self.state)
        #expect(try StrictJSON.decode(TrailState.self, from: bytes) == Self.state)
        #expect(try StrictJSON.decode(TrailState.self, from: bytes) == (try JSONDecoder().decode(TrailState.self, from: Data(bytes))))
        let manifest = ArchiveManifest(bucket: "b", prefix: "p/", start: UTCTime(secondsSinceEpoch: 0), end: nil, createdAt: UTCTime(secondsSinceEpoch: 86_400))
        let decoded = try StrictJSON.decode(ArchiveManifest.self, from: try Self.encoded(manifest))
        #expect(try Self.encoded(decoded) == (try Self.encoded(manifest)))
        #expect(decoded.end == nil && decoded.complete == false)
    }

    @Test func decodesAWholeVerificationReportToTheSameBytes() throws {
        let scenario = try TrailScenario("decoder-report") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.digestWithLogs(0).logKeys[0])
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(report.logFiles.count > 2 && report.totals.exitStatus == 1)
        let bytes = try JSONReport.encode(report)
        #expect(try JSONReport.encode(try StrictJSON.decode(VerificationReport.self, from: bytes)) == bytes)
    }

    @Test func absentOrNullOptionalsAreNilAndAbsentRequiredMembersAreRefused() throws {
        var object = try #require(try StrictJSON.parse(try Self.encoded(Self.state)).objectValue)
        object[ObjectKey("releasedPastMark")] = nil
        #expect(try StrictJSON.decode(TrailState.self, from: Array(JSONValueText.text(.object(object)).utf8)).releasedPastMark.isEmpty)
        object[ObjectKey("releasedPastMark")] = .null
        #expect(try StrictJSON.decode(TrailState.self, from: Array(JSONValueText.text(.object(object)).utf8)).releasedPastMark.isEmpty)
        object[ObjectKey("source")] = nil
        #expect(throws: DecodingError.self) { try StrictJSON.decode(TrailState.self, from: Array(JSONValueText.text(.object(object)).utf8)) }
        let manifest = #"{"bucket": "b", "prefix": "", "start": null, "createdAt": "2026-01-01T00:00:00Z", "tool": "t"}"#
        let decoded = try StrictJSON.decode(ArchiveManifest.self, from: Array(manifest.utf8))
        #expect(decoded.start == nil && decoded.complete == nil)
    }

    @Test(arguments: [
        ("version", "1e0"), ("version", "1.0"), ("version", "1.5"), ("version", "99999999999999999999999999999"),
        ("version", "-1e400"), ("version", "\"1\""), ("version", "true"), ("version", "null"),
        ("recentEventIDs", #"{"a": 9223372036854775808}"#), ("recentEventIDs", #"{"a": -9223372036854775809}"#),
        ("recentEventIDs", #"{"a": 1.5}"#), ("recentEventIDs", #"{"a": "1"}"#), ("recentEventIDs", "[]"),
        ("sinkOffsets", #"{"a": 1e3}"#), ("source", "1"), ("source", "[\"s\"]"), ("heads", "[]"), ("heads", #"{"c": 1}"#),
        ("releasedThrough", #"{"c": "yesterday"}"#), ("releasedThrough", #"{"c": 0}"#), ("days", #"{"d": null}"#),
        ("releasedPastMark", #"{"c": {}}"#),
    ])
    func numbersThatDoNotFitAndWrongTypesAreRefusedNotRoundedNorATrap(_ member: String, _ json: String) throws {
        let bytes = try Self.state(with: member, json)
        #expect(throws: DecodingError.self) { try StrictJSON.decode(TrailState.self, from: bytes) }
    }

    @Test func theWidestIntegersAreExact() throws {
        let bytes = try Self.state(with: "recentEventIDs", #"{"a": 9223372036854775807, "b": -9223372036854775808, "c": -0}"#)
        #expect(try StrictJSON.decode(TrailState.self, from: bytes).recentEventIDs == ["a": .max, "b": .min, "c": 0])
    }

    @Test(arguments: [
        #"{"kind": "trailproof-state", "kind": "trailproof-state"}"#,
        #"{"bucket": "a", "bucket": "b", "prefix": "", "createdAt": "2026-01-01T00:00:00Z", "tool": "t"}"#,
    ])
    func duplicateMembersAreRefusedBeforeAnythingIsDecoded(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(TrailState.self, from: Array(text.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(ArchiveManifest.self, from: Array(text.utf8)) }
    }

    @Test func duplicateMembersInsideANestedMapAreRefused() throws {
        let good = String(decoding: try Self.encoded(Self.state), as: UTF8.self)
        let bad = good.replacingOccurrences(of: #""days":{"#, with: #""days":{"x":"1","x":"2","#)
        #expect(bad != good)
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(TrailState.self, from: Array(bad.utf8)) }
    }

    @Test func trailingBytesInvalidUTF8AndDeepNestingAreRefused() throws {
        let bytes = try Self.encoded(Self.state)
        #expect(throws: Never.self) { try StrictJSON.decode(TrailState.self, from: bytes + Array(" \n".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(TrailState.self, from: bytes + Array("x".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(TrailState.self, from: bytes + bytes) }
        let source = Array("\"s3://bucket/prefix/\"".utf8)
        let start = try #require(bytes.firstRange(of: source))
        var invalid = bytes
        invalid.replaceSubrange(start, with: [0x22, 0xC3, 0x28, 0x22])
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(TrailState.self, from: invalid) }
        let deep = try Self.state(with: "extra", "1").dropLast()
            + Array((",\"deeper\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8)
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.decode(TrailState.self, from: Array(deep)) }
    }

    @Test func theStateFileIsReadStrictlyInOnePassAndACorruptOneReleasesItsLock() throws {
        let scratch = try ScratchDirectory("decoder-state")
        defer { scratch.remove() }
        let path = scratch.path + "/state.json"
        for bad in [try Self.state(with: "version", "1.0"), try Self.encoded(Self.state) + Array("}".utf8),
                    Array(#"{"kind": "trailproof-state", "kind": "x"}"#.utf8)] {
            try LocalFile.write(bad, to: path)
            do {
                _ = try StateFile(path: path, source: "s3://bucket/prefix/")
                Issue.record("a corrupt state file was used")
            } catch let error as StateFileError {
                guard case .corrupt = error else { Issue.record("\(error)"); continue }
            }
        }
        // Refused, the files above left no lock held: the state, repaired, opens.
        try LocalFile.write(try Self.encoded(Self.state), to: path)
        let file = try StateFile(path: path, source: "s3://bucket/prefix/")
        #expect(file.state == Self.state)
    }
}

/// A `JSONValue` written back as JSON text (members sorted), for tests that edit a document.
enum JSONValueText {
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return quoted(text)
        case .array(let elements): return "[" + elements.map(text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { quoted($0.text) + ":" + text(members[$0] ?? .null) }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
