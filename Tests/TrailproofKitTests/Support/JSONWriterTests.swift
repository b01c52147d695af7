import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// `JSONWriter`: escaping as `JSONEncoder` escapes, its layouts as `JSONEncoder` lays out, and
/// what it writes read back the same by `JSONDecoder` and `StrictJSON`.
@Suite struct JSONWriterTests {
    private static func written(_ text: String) -> String {
        var json = JSONWriter(.compact)
        json.string(text)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    private static func encoderText(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func everyControlCharacterIsEscapedAsTheEncoderDoes() throws {
        let short: [UInt32: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        for value in UInt32(0)..<0x20 {
            let text = String(Unicode.Scalar(value)!)
            let expected = short[value] ?? "\\u00" + String(value, radix: 16).leftPadded(to: 2)
            #expect(Self.written(text) == "\"\(expected)\"", "U+\(String(value, radix: 16))")
            #expect(try Self.written(text) == Self.encoderText(text))
        }
        #expect(Self.written("\"") == #""\"""#)
        #expect(Self.written("\\") == #""\\""#)
    }

    @Test func otherCharactersAreWrittenAsTheirUTF8() throws {
        for text in ["/", "\u{7f}", "\u{80}", "é ü 中文 🙂", "\u{2028}\u{2029}", "\u{202e}", "\u{feff}", "\u{10ffff}", "</script>", ""] {
            #expect(Self.written(text) == "\"\(text)\"")
            #expect(try Self.written(text) == Self.encoderText(text))
        }
    }

    @Test func everyStringRoundTripsThroughJSONDecoderAndStrictJSON() throws {
        var random = SeededGenerator(seed: 19)
        let alphabet = (0..<0x80).map { Unicode.Scalar(UInt32($0))! } + ["\u{2028}", "\u{2029}", "é", "中", "🙂", "\u{fffd}", "\u{10ffff}"]
        let texts = (0..<500).map { _ in
            String(String.UnicodeScalarView((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
        }
        var json = JSONWriter(.compact)
        json.beginArray()
        for text in texts { json.string(text) }
        json.endArray()
        #expect(try JSONDecoder().decode([String].self, from: Data(json.bytes)) == texts)
        let strict = try #require(try StrictJSON.parse(json.bytes).arrayValue)
        #expect(strict.count == texts.count)
        for (value, text) in zip(strict, texts) { #expect(value.stringValue.map { Array($0.utf8) } == Array(text.utf8)) }
    }

    /// A nested document, written in sorted member order, is the encoder's, in either layout.
    private struct Document: Encodable {
        struct Empty: Encodable {}
        struct Inner: Encodable { var flag: Bool; var list: [Int]; var name: String }
        var empty: [Int] = []
        var emptyObject = Empty()
        var inner = Inner(flag: true, list: [1, -2, 3], name: "in\nner")
        var items = [Inner(flag: false, list: [], name: "a"), Inner(flag: true, list: [0], name: "")]
        var number: Int64 = .min
        var text = "t\"ext"
    }

    private static func write(_ document: Document, _ layout: JSONWriter.Layout) -> String {
        func inner(_ value: Document.Inner, _ json: inout JSONWriter) {
            json.beginObject()
            json.member("flag", value.flag)
            json.key("list")
            json.beginArray()
            for number in value.list { json.number(number) }
            json.endArray()
            json.member("name", value.name)
            json.endObject()
        }
        var json = JSONWriter(layout)
        json.beginObject()
        json.key("empty"); json.beginArray(); json.endArray()
        json.key("emptyObject"); json.beginObject(); json.endObject()
        json.key("inner"); inner(document.inner, &json)
        json.key("items"); json.beginArray(); for item in document.items { inner(item, &json) }; json.endArray()
        json.member("number", document.number)
        json.member("text", document.text)
        json.member("absent", nil as String?)
        json.endObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test func prettyAndCompactLayoutsAreTheEncoders() throws {
        #expect(try Self.write(Document(), .pretty) == Self.encoderText(Document(), pretty: true))
        #expect(try Self.write(Document(), .compact) == Self.encoderText(Document()))
    }

    @Test func anEncodedValueIsMovedInToItsDepth() throws {
        let value = Document()
        var json = JSONWriter(.pretty)
        json.beginObject()
        json.key("a"); json.beginObject()
        json.key("document"); json.encoded(Array(try Self.encoderText(value, pretty: true).utf8))
        json.endObject()
        json.endObject()
        struct Outer: Encodable { struct Middle: Encodable { var document: Document }; var a: Middle }
        #expect(try String(decoding: json.bytes, as: UTF8.self) == Self.encoderText(Outer(a: .init(document: value)), pretty: true))
    }

    @Test func takeBytesDrainsWhatIsWrittenAndWritingGoesOn() throws {
        var json = JSONWriter(.compact)
        json.beginArray()
        json.string("a")
        let first = json.takeBytes()
        json.number(2)
        json.endArray()
        #expect(String(decoding: first + json.bytes, as: UTF8.self) == #"["a",2]"#)
        #expect(json.takeBytes().count == 3 && json.bytes.isEmpty)  // `,2]`
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
