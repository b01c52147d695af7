import Testing
@testable import TrailproofKit

@Suite struct MarkupTests {
    @Test(arguments: [
        ("https://evil.example/x", false, "`https://evil.example/x`"), ("a`b", false, "``a`b``"), ("a``b`", false, "``` a``b` ```"),
        ("`x", false, "`` `x ``"), (" lead", false, "`  lead `"), ("  ", false, "`  `"), ("", false, "-"),
        ("a|b", true, "`a\\|b`"), ("a|b", false, "`a|b`"), ("bell\u{7}\u{FFFE}", true, "`bell\\x07\\u{fffe}`"),
        ("<b>&amp;</b>", true, "`<b>&amp;</b>`"),
    ])
    func namesInMarkdownAreCodeSpansThatHoldThemExactly(_ name: String, _ inTable: Bool, _ expected: String) {
        #expect(Markup.markdownCode(name, inTable: inTable) == expected)
    }

    @Test(arguments: [("signature-invalid", "signature-invalid"), ("www.evil.example", "`www.evil.example`"), ("a|b", "`a\\|b`"), ("", "-")])
    func verdictWordsArePlainAndAnythingElseIsACodeSpan(_ verdict: String, _ expected: String) {
        #expect(Markup.markdownWord(verdict) == expected)
    }

    @Test(arguments: [
        ("x\u{FFFE}\u{FFFF}y", "x\\u{fffe}\\u{ffff}y"), ("a\u{0}\u{8}\u{1b}", "a\\x00\\x08\\x1b"), ("\"<'&>", "&quot;&lt;&#39;&amp;&gt;"),
        ("tab\tnl\n", "tab\\tnl\\n"), ("back\\u{fffe}", "back\\\\u{fffe}"), ("ok \u{FFFD}\u{10000}", "ok \u{FFFD}\u{10000}"),
    ])
    func xmlTextHoldsOnlyCharactersXMLAllows(_ text: String, _ expected: String) {
        let escaped = Markup.xml(text)
        #expect(escaped == expected)
        #expect(!escaped.isEmpty)
        #expect(escaped.unicodeScalars.allSatisfy(Markup.isXMLChar))
    }
}
