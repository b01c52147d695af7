import Testing
@testable import TrailproofKit

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("a\nResult: VERIFIED", "a\\nResult: VERIFIED"), ("\u{1b}[2J", "\\x1b[2J"), ("tab\there", "tab\\there"),
        ("cr\rx", "cr\\rx"), ("bell\u{7}", "bell\\x07"), ("del\u{7f}", "del\\x7f"), ("c1\u{9b}31m", "c1\\x9b31m"),
        ("bidi\u{202e}txt", "bidi\\u{202e}txt"), ("line\u{2028}sep", "line\\u{2028}sep"), ("back\\slash", "back\\\\slash"),
        ("plain AWSLogs/é/key.json.gz", "plain AWSLogs/é/key.json.gz"),
    ])
    func controlCharactersBecomeVisibleEscapes(_ input: String, _ expected: String) {
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
            objects: [ObjectRecord(key: hostile, verdict: .unexpected, detail: "d\r")], notices: ["n\u{7}"],
            totals: failing)
        let text = TextReport(report, verbose: true)
        for line in text.summary + text.problems {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }, "\(line.debugDescription)")
        }
        #expect(!(text.summary + text.problems).contains("Result: VERIFIED"))
    }
}
