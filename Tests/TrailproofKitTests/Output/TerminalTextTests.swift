import Testing
@testable import TrailproofKit

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("a\nResult: VERIFIED", "a\\nResult: VERIFIED"), ("\u{1b}[2J", "\\x1b[2J"), ("tab\there", "tab\\there"),
        ("cr\rx", "cr\\rx"), ("bell\u{7}", "bell\\x07"), ("del\u{7f}", "del\\x7f"), ("c1\u{9b}31m", "c1\\x9b31m"),
        ("bidi\u{202e}txt", "bidi\\u{202e}txt"), ("line\u{2028}sep", "line\\u{2028}sep"), ("back\\slash", "back\\\\slash"),
        ("plain AWSLogs/é/key.json.gz", "plain AWSLogs/é/key.json.gz"),
        ("zw\u{200b}sp", "zw\\u{200b}sp"), ("zwj\u{200d}x", "zwj\\u{200d}x"), ("wj\u{2060}x", "wj\\u{2060}x"),
        ("inv\u{2064}x", "inv\\u{2064}x"), ("iso\u{2066}x\u{2069}", "iso\\u{2066}x\\u{2069}"), ("bom\u{feff}", "bom\\u{feff}"),
        ("alm\u{61c}x", "alm\\u{61c}x"), ("shy\u{ad}x", "shy\\xadx"), ("tag\u{e0041}", "tag\\u{e0041}"),
        ("non\u{fffe}x\u{ffff}", "non\\u{fffe}x\\u{ffff}"),
        ("plane\u{1fffe}\u{10ffff}", "plane\\u{1fffe}\\u{10ffff}"), ("kept \u{fffd}\u{10fffd} \u{1F600}", "kept \u{fffd}\u{10fffd} \u{1F600}"),
    ])
    func controlsInvisiblesAndNoncharactersBecomeVisibleEscapes(_ input: String, _ expected: String) {
        #expect(TerminalText.escaped(input) == expected)
    }

    @Test func aReportNeverPrintsARawControlCharacter() throws {
        var failing = VerificationReport.Totals()
        failing.findings = 1
        failing.exitStatus = 1
        let hostile = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/x\nResult: VERIFIED\u{1b}[0m"
        let report = VerificationReport(
            tool: .init(name: "trailproof", version: "t"),
            scope: .init(source: "/x\u{1b}", bucket: "b", bucketAssumed: false, start: nil, end: nil, digestEndTimeWindow: nil,
                         publicKeyFingerprints: [], publicKeySources: ["key file /k\n.json"], publicKeysFromEvidence: false,
                         referenceTime: nil, trailARN: nil, gapsAllowed: false),
            chains: [], digests: [], logFiles: [], gaps: [],
            objects: [ObjectRecord(key: hostile, verdict: .unexpected, detail: "d\r")], notices: [.recorded("n\u{7}")],
            totals: failing)
        let text = TextReport(report, verbose: true)
        for line in text.summary + text.problems {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }, "\(line.debugDescription)")
        }
        #expect(!(text.summary + text.problems).contains("Result: VERIFIED"))
    }

    @Test func everyNoncharacterControlAndInvisibleFormatCharacterIsEscaped() {
        let noncharacters = Array(0xFDD0...0xFDEF) + (0...16).flatMap { [$0 << 16 | 0xFFFE, $0 << 16 | 0xFFFF] }
        let controls = Array(0x00...0x1F) + Array(0x7F...0x9F)
        let invisibles = Array(0x200B...0x200F) + Array(0x2028...0x202E) + Array(0x2060...0x2064) + Array(0x2066...0x2069) + [0xFEFF]
        for value in noncharacters + controls + invisibles {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            let shown = TerminalText.escaped("a" + String(Character(scalar)) + "b")
            #expect(!shown.unicodeScalars.contains(scalar), "U+\(String(value, radix: 16))")
            #expect(shown.unicodeScalars.count > 3, "U+\(String(value, radix: 16)) is spelled out: \(shown)")
            #expect(shown.unicodeScalars.allSatisfy { $0.isASCII }, "U+\(String(value, radix: 16)): \(shown)")
        }
    }
}
