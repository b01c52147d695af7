import Testing
@testable import TrailproofKit

/// `range(ofLiteral:from:)` and `replacingAll(_:with:)` (XML answers, redaction) match exact
/// UTF-8 bytes: no Unicode equivalence and no grapheme boundaries.
@Suite struct LiteralTextTests {
    @Test func findsTheFirstOccurrenceAtOrAfterAPlace() throws {
        let text = "<a>1</a><a>2</a>"
        let first = try #require(text.range(ofLiteral: "<a>"))
        #expect(text[first] == "<a>" && first.lowerBound == text.startIndex)
        let close = try #require(text.range(ofLiteral: "</a>", from: first.upperBound))
        #expect(text[first.upperBound..<close.lowerBound] == "1")
        let second = try #require(text.range(ofLiteral: "<a>", from: close.upperBound))
        #expect(text.utf8.distance(from: text.startIndex, to: second.lowerBound) == 8)
        #expect(text.range(ofLiteral: "<b>") == nil)
        #expect(text.range(ofLiteral: "") == nil)
        #expect(text.range(ofLiteral: "</a>", from: text.endIndex) == nil)
        // In a Substring the indices are the base string's.
        let tail = text[second.lowerBound...]
        let inTail = try #require(tail.range(ofLiteral: "</a>"))
        #expect(text[second.upperBound..<inTail.lowerBound] == "2")
    }

    @Test func matchesBytesNotCanonicallyEquivalentText() throws {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed, "Swift's String == says they are equal")
        #expect(composed.range(ofLiteral: decomposed) == nil)
        #expect(decomposed.range(ofLiteral: composed) == nil)
        #expect(decomposed.range(ofLiteral: "cafe") != nil, "a match may end before a combining mark")
        let xml = "<Key>\u{301}x</Key>"
        let start = try #require(xml.range(ofLiteral: "<Key>"))
        #expect(xml.utf8.distance(from: xml.startIndex, to: start.upperBound) == 5)
    }

    @Test func replacesEveryOccurrenceLeftToRight() {
        #expect("a|b||".replacingAll("|", with: "\\|") == "a\\|b\\|\\|")
        #expect("aaa".replacingAll("aa", with: "b") == "ba")
        #expect("it's".replacingAll("'", with: "'\\''") == "it'\\''s")
        #expect("2026/01/08"[...].replacingAll("/", with: "-") == "2026-01-08")
        #expect("no match".replacingAll("x", with: "y") == "no match")
        // A secret next to a combining mark is still redacted.
        #expect("key=SECRET\u{301} end".replacingAll("SECRET", with: "(redacted)") == "key=(redacted)\u{301} end")
    }
}
