import Testing
@testable import TrailproofKit

@Suite struct StrictJSONTests {
    @Test func parsesWhatRFC8259Allows() throws {
        let value = try StrictJSON.parse(Array(#" {"a": [1, -0.5e+3, true, false, null], "b": "x\/y\u00e9\ud83d\ude00\n"} "#.utf8))
        let object = try #require(value.objectValue)
        #expect(object["a"] == .array([.number("1"), .number("-0.5e+3"), .bool(true), .bool(false), .null]))
        #expect(object["b"] == .string("x/yé😀\n"))
    }

    @Test(arguments: [
        "{\"a\": 1, \"a\": 2}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\ud800\"", "\"\\udc00x\"", "\"a\u{01}\"",
        "[1] [2]", "nul", "\"\\x\"", "{\"a\":1", "\"unterminated", "", "+1", ".5", "1e",
    ])
    func refusesWhatItDoesNotAllow(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.parse(Array(text.utf8)) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let deep = Array(String(repeating: "[", count: 1_000_000).utf8)
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.parse(deep) }
        let skipped = Array(("{\"logFiles\": " + String(repeating: "[", count: 1_000_000)).utf8)
        #expect(throws: JSONSyntaxError.self) { try StrictJSON.parseObject(skipped, skipping: ["logFiles"]) }
    }

    @Test func aSkippedMemberIsValidatedAndCountedNotBuilt() throws {
        let text = #"{"x": "y", "logFiles": [{"a": 1}, {"b": [2, 3]}, {}]}"#
        let parsed = try StrictJSON.parseObject(Array(text.utf8), skipping: ["logFiles"])
        #expect(parsed.members["logFiles"] == nil)
        #expect(parsed.skipped["logFiles"]?.arrayCount == 3)
        let range = try #require(parsed.skipped["logFiles"]?.range)
        #expect(String(decoding: Array(text.utf8)[range], as: UTF8.self) == #"[{"a": 1}, {"b": [2, 3]}, {}]"#)
        #expect(throws: JSONSyntaxError.self) {
            try StrictJSON.parseObject(Array(#"{"logFiles": [{"a": 1, "a": 2}]}"#.utf8), skipping: ["logFiles"])
        }
    }

    @Test(arguments: [("1e20", nil), ("nan", nil), ("inf", nil), ("-1", nil), ("1436317441.9", 1_436_317_441 as Int64?), ("0", 0)])
    func numbersFromOutsideAreRangeChecked(_ text: String, _ expected: Int64?) {
        #expect(JSONValue.number(text).wholeNumber(in: 0...253_402_300_799) == expected)
        #expect(JSONValue.string(text).wholeNumber(in: 0...253_402_300_799) == expected)
    }
}
