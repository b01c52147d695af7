import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// The fast record scanner finds exactly what the strict parser finds, or gives up.
@Suite struct RecordScannerTests {
    static func strict(_ bytes: [UInt8], _ array: Range<Int>) throws -> [(Range<Int>, String?)] {
        try StrictJSON.elementRanges(ofArrayIn: bytes, range: array).map { range in
            (range, try StrictJSON.members(of: bytes, range: range, keeping: ["eventID"])["eventID"]?.stringValue)
        }
    }

    @Test(arguments: [
        #"[{"eventID":"a","x":{"eventID":"nested"},"eventTime":"2026-01-08T00:00:00Z"},{},{"y":[1,2,{"z":"}"}],"eventID":"b"}]"#,
        #"[ { "eventID" : "c" , "q" : "quote \" and , and ] inside" } , {"n":null,"t":true,"f":-1.5e3} ]"#,
        "[]",
    ])
    func theScannerAgreesWithTheStrictParser(_ text: String) throws {
        let bytes = Array(text.utf8)
        let found = try #require(RecordScanner.scan(bytes, array: 0..<bytes.count))
        let expected = try Self.strict(bytes, 0..<bytes.count)
        #expect(found.map(\.range) == expected.map(\.0))
        #expect(found.map { $0.eventID.map { String(decoding: bytes[$0], as: UTF8.self) } } == expected.map(\.1))
    }

    @Test(arguments: [#"[{"eventID":"a\u0062"}]"#, #"[{"a":1}"#, #"[{"a":1}]x"#, #"[1]"#, #"[{"a" 1}]"#, #"{"a":1}"#])
    func theScannerGivesUpWhenItCannotBeSure(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(RecordScanner.scan(bytes, array: 0..<bytes.count) == nil)
    }

    @Test func realRecordsScanAsTheStrictParserReadsThem() throws {
        let lines = try String(contentsOfFile: BuiltExecutable.packageRoot + "/Sources/TrailproofTrailGen/Resources/cloudtrail-records.jsonl", encoding: .utf8)
            .split(separator: "\n")
        let bytes = Array(("[" + lines.joined(separator: ",") + "]").utf8)
        let found = try #require(RecordScanner.scan(bytes, array: 0..<bytes.count))
        let expected = try Self.strict(bytes, 0..<bytes.count)
        #expect(found.count == 453)
        #expect(found.map(\.range) == expected.map(\.0))
        #expect(found.map { $0.eventID.map { String(decoding: bytes[$0], as: UTF8.self) } } == expected.map(\.1))
    }

    @Test func mangledInputNeverTrapsAndNeverDisagreesWithTheStrictParser() throws {
        var random = SeededGenerator(seed: 5)
        let base = Array(#"[{"eventID":"a","n":12,"s":"x\"y","o":{"k":[1,"]",{"z":null}]},"eventTime":"2026-01-08T00:00:00Z"},{"eventID":"b"}]"#.utf8)
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(random.pick(Array(#"{}[]",:\ 1a"#.utf8)), at: position)
                default: bytes = Array(bytes.prefix(position))
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "[")] }
            }
            // Whatever it finds, the strict parser must find the same; it may give up instead.
            if let found = RecordScanner.scan(bytes, array: 0..<bytes.count), let strict = try? Self.strict(bytes, 0..<bytes.count) {
                #expect(found.map(\.range) == strict.map(\.0))
            }
        }
    }
}

