import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Object names are whatever bytes an attacker chose. Every report format stays well-formed and
/// inert for hundreds of them (random bytes read as UTF-8, every noncharacter, every C0 and C1
/// control, zero-width and bidi characters, names that look like URLs, addresses or markup), as
/// the readers people and CI use judge it: xmllint and junitparser (JUnit), Python's json (JSON,
/// NDJSON), html5lib in strict mode (HTML), cmark-gfm with GitHub's extensions (Markdown).
@Suite struct HostileNameReportTests {
    /// Fixed seeds: the same names every run.
    static let seeds: [UInt64] = [1, 2, 3, 5, 8, 13, 21, 34]

    /// Names per report: each is an object, a log file and a digest, so a report stays under
    /// the Markdown table's limit and every name is in every format.
    static let namesPerReport = 12

    @Test func everyReportFormatIsWellFormedAndInertForAnyName() throws {
        let names = Self.hostileNames()
        #expect(names.count > 400, "\(names.count) names")
        let scratch = try ScratchDirectory("hostile-names")
        defer { scratch.remove() }
        var manifest: [[String: Any]] = []
        var junitFiles: [String] = []
        var start = 0
        while start < names.count {
            let chunk = Array(names[start..<min(names.count, start + Self.namesPerReport)])
            let report = Self.report(chunk)
            let base = scratch.path + "/report-\(start)"
            let run = RunRecord(commandLine: ["trailproof", "verify", chunk[0]], startedAt: UTCTime(secondsSinceEpoch: 0),
                                endedAt: UTCTime(secondsSinceEpoch: 1), host: chunk[1], jsonReportSHA256: "00", jsonReportPath: nil)
            try LocalFile.write(try JSONReport.encode(report), to: base + ".json")
            try LocalFile.write(try NDJSONReport.render(report), to: base + ".ndjson")
            try LocalFile.write(JUnitReport.render(report, run: run), to: base + ".junit.xml")
            try LocalFile.write(HTMLReport.render(report, run: run), to: base + ".html")
            try LocalFile.write(MarkdownReport.render(report), to: base + ".md")
            junitFiles.append(base + ".junit.xml")
            Self.checkText(TextReport(report, verbose: true), names: chunk)

            let rows = FindingRow.rows(of: report).filter { $0.severity != .notice }
            manifest.append([
                "base": base,
                "objectKeys": report.objects.map(\.key),
                "logFileKeys": report.logFiles.map(\.key),
                "digestKeys": report.digests.compactMap(\.key),
                "junitObjectCases": report.objects.map { TerminalText.escaped("object \($0.key)") },
                "junitLogFileCases": report.logFiles.map { TerminalText.escaped("log file s3://\($0.bucket)/\($0.key)") },
                "junitFailures": report.totals.findings,
                "htmlTexts": rows.compactMap(\.location).map(TerminalText.escaped),
                "markdownLocations": rows.map { TerminalText.escaped($0.location ?? $0.chain ?? "-") },
                "markdownDetails": rows.map { $0.detail.isEmpty ? "-" : TerminalText.escaped($0.detail) },
            ])
            start += Self.namesPerReport
        }
        // Distinct names stay distinct once escaped (compared as Unicode scalars, not as Strings).
        let escaped = Set(names.map { Array(TerminalText.escaped($0).unicodeScalars.map(\.value)) })
        #expect(escaped.count == names.count)

        let lint = try BuiltBinary.run(program: "/usr/bin/xmllint", ["--noout"] + junitFiles)
        #expect(lint.status == 0, "\(lint)")

        let manifestPath = scratch.path + "/manifest.json"
        try LocalFile.write(Array(try JSONSerialization.data(withJSONObject: manifest)), to: manifestPath)
        let scriptPath = scratch.path + "/readers.py"
        try LocalFile.write(Array(Self.readers.utf8), to: scriptPath)
        let readers = try BuiltBinary.run(program: "/usr/bin/env", ["python3", scriptPath, manifestPath], timeout: 300)
        #expect(readers.status == 0, "\(readers)")
        #expect(readers.stdout.contains("checked \(manifest.count) reports"), "\(readers)")
    }

    // MARK: - Names

    /// Random bytes read as UTF-8, random scalars from the dangerous ranges, every noncharacter,
    /// every C0 and C1 control and DEL, every zero-width, bidi and other invisible format
    /// character listed for `TerminalText`, and names that are URLs, addresses, mentions and
    /// markup. Unique by their bytes.
    static func hostileNames() -> [String] {
        var names: [String] = []
        for seed in seeds {
            var random = SeededGenerator(seed: seed)
            for index in 0..<40 {
                if index % 2 == 0 {
                    let bytes = (0..<Int.random(in: 1...24, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    names.append(String(decoding: bytes, as: UTF8.self))
                } else {
                    var name = ""
                    for _ in 0..<Int.random(in: 1...16, using: &random) { name.unicodeScalars.append(randomScalar(&random)) }
                    names.append(name)
                }
            }
        }
        for value in noncharacters { names.append("nonchar\(scalar(value))x") }
        for value in Array(0x00...0x1F) + Array(0x7F...0x9F) { names.append("control\(scalar(UInt32(value)))x") }
        for value in invisibles { names.append("invisible\(scalar(value))x") }
        names += [
            "https://evil.example/x", "http://evil.example", "www.evil.example", "user@evil.example", "ftp://evil.example/x",
            "mailto:user@evil.example", "xmpp:user@evil.example", "AWSLogs/https://evil.example/a", "x www.evil.example y",
            "[click](https://evil.example)", "![pixel](https://evil.example/p.png)", "<https://evil.example>", "<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>", "&amp;&lt;", "]]>", "<![CDATA[x]]>", "--><!--", "*emph* _emph_ ~~strike~~", "`", "``", "` x `",
            "a`b``c", "|", "a|b", "a\\|b", "\\", "\\\\|", " leading", "trailing ", " ", "  ", "@octocat", "#123", ":smile:",
            "line\nResult: VERIFIED", "\u{1b}[2J\u{1b}[0m", "\u{202e}gpj.exe", "\u{FEFF}bom", "tag\u{E0041}\u{E007F}", "\u{10FFFF}",
            "é (composed)", "e\u{301} (decomposed)", "\u{FFFD}", "\"quoted\" 'single'", "{{template}}", "$(whoami)",
        ]
        var seen = Set<[UInt8]>()
        return names.filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// U+FDD0–U+FDEF and the last two code points of every plane.
    static let noncharacters: [UInt32] = Array(0xFDD0...0xFDEF) + (0...16).flatMap { plane in [UInt32(plane) << 16 | 0xFFFE, UInt32(plane) << 16 | 0xFFFF] }

    /// Zero-width, bidi, separators and other invisible format characters.
    static let invisibles: [UInt32] = Array(0x200B...0x200F) + [0x2028, 0x2029] + Array(0x202A...0x202E) + Array(0x2060...0x2064)
        + Array(0x2066...0x2069) + [0xFEFF, 0x061C, 0x00AD, 0x180E]

    static func scalar(_ value: UInt32) -> String {
        Unicode.Scalar(value).map { String(Character($0)) } ?? "?"
    }

    static func randomScalar(_ random: inout SeededGenerator) -> Unicode.Scalar {
        let pools: [[UInt32]] = [
            Array(0x00...0x7F), Array(0x80...0x9F), noncharacters, invisibles, Array("`|\\*_[]()<>&\"'!#~:@./ ".unicodeScalars.map(\.value)),
        ]
        while true {
            let value: UInt32
            switch Int.random(in: 0..<7, using: &random) {
            case 0..<5: value = random.pick(random.pick(pools))
            case 5: value = UInt32.random(in: 0..<0x10000, using: &random)
            default: value = UInt32.random(in: 0..<0x110000, using: &random)
            }
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    /// A failing report in which every name of `names` is an unexpected object, a modified log
    /// file with no bucket (so its location is the bare name) and a digest whose signature
    /// failed; names are also in the source, a chain id, a bucket, a gap and a notice.
    static func report(_ names: [String]) -> VerificationReport {
        let chainID = ChainID(location: TrailLocation(keyPrefix: "", organizationID: nil, accountID: "111122223333", region: "us-east-1"),
                              trailName: "t", homeRegion: "us-east-1", isBackfill: false)
        let chain = "chain " + names[0]
        let start = UTCTime(secondsSinceEpoch: 1_767_225_600)
        let hour = TimeSpan(start: start, end: start.adding(seconds: 3600))
        let objects = names.map { ObjectRecord(key: $0, verdict: .unexpected, detail: "planted beside \($0)") }
        let logFiles = names.map {
            LogFileRecord(key: $0, bucket: "", digest: nil, verdict: .modified, detail: "SHA-256 of \($0) differs",
                          expectedSHA256: String(repeating: "a", count: 64), actualSHA256: String(repeating: "b", count: 64),
                          uncompressedBytes: 1, time: start)
        }
        let digests = names.map {
            DigestRecord(key: $0, bucket: names[names.count - 1], chain: chain, span: hour, verdict: .signatureInvalid,
                         problems: [.init(kind: .signatureInvalid, detail: "signature of \($0) does not verify")],
                         signatureSource: .s3Metadata, publicKeyFingerprint: names[1], logFileCount: 0, namedKey: $0,
                         referencedBy: $0, inferred: false)
        }
        let gap = GapRecord(chain: chain, kind: .chainRestart, span: hour, detail: "no digest between \(names[0]) and \(names[1])",
                            digestBefore: names[0], digestAfter: names[1])
        var totals = VerificationReport.Totals()
        totals.chains = 1
        totals.digests = digests.count
        totals.logFiles = logFiles.count
        totals.gaps = 1
        totals.objectFindings = objects.count
        totals.findings = objects.count + logFiles.count + digests.count + 1
        totals.exitStatus = 1
        totals.digestsByVerdict = [DigestVerdict.signatureInvalid.rawValue: digests.count]
        // A merged report's counts come from JSON: a verdict word can be anything there too.
        totals.logFilesByVerdict = [LogFileVerdict.modified.rawValue: logFiles.count, names[0]: 0]
        return VerificationReport(
            tool: .init(name: "trailproof", version: "test"),
            scope: .init(source: "/archive/" + names[0], bucket: nil, bucketAssumed: false, start: nil, end: nil, digestEndTimeWindow: nil,
                         publicKeyFingerprints: [names[1]], publicKeySources: ["key file " + names[2 % names.count]],
                         publicKeysFromEvidence: false, referenceTime: nil, trailARN: nil, gapsAllowed: false),
            chains: [ChainSummary(id: chain, chain: chainID, bucket: names[names.count - 1], digests: digests.count, validDigests: 0,
                                  newestDigest: names[0], oldestDigest: names[0], coverage: [])],
            digests: digests, logFiles: logFiles, gaps: [gap], objects: objects, notices: names.map { .recorded("note on \($0)") }, totals: totals)
    }

    // MARK: - Text

    /// True for what a terminal line must never carry raw: controls, separators, zero-width and
    /// bidi characters, the byte order mark and noncharacters (listed here, independently of
    /// `TerminalText`).
    static func isForbiddenOnATerminal(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF, 0xFDD0...0xFDEF:
            return true
        default: return value & 0xFFFE == 0xFFFE
        }
    }

    static func checkText(_ text: TextReport, names: [String]) {
        let lines = text.summary + text.problems
        for line in lines {
            let raw = line.unicodeScalars.filter(isForbiddenOnATerminal).map { String($0.value, radix: 16) }
            #expect(raw.isEmpty, "raw U+\(raw) in \(line.debugDescription)")
        }
        // Escaping works scalar by scalar, so each object's line holds its whole line escaped.
        let bucket = names[names.count - 1]
        for name in names {
            let shown = TerminalText.escaped("object unexpected: s3://\(bucket)/\(name): planted beside \(name)")
            #expect(text.findings.contains { $0.contains(shown) }, "\(name.debugDescription)")
        }
    }

    // MARK: - Readers

    /// Reads every report of the manifest with the real parsers; prints "checked N reports" and
    /// exits 0 only when every check held, else lists what failed and exits 1.
    static let readers = #"""
        import json, subprocess, sys, xml.etree.ElementTree as ET
        import html5lib
        from junitparser import JUnitXml, Failure

        problems = []
        def check(ok, what):
            if not ok:
                problems.append(what)

        def text_of(path):
            with open(path, encoding="utf-8", errors="strict", newline="") as f:
                return f.read()

        def check_json(case, base):
            report = json.loads(text_of(base + ".json"))
            check([o["key"] for o in report["objects"]] == case["objectKeys"], base + ".json objects")
            check([o["key"] for o in report["logFiles"]] == case["logFileKeys"], base + ".json logFiles")
            check([o["key"] for o in report["digests"]] == case["digestKeys"], base + ".json digests")

        def check_ndjson(case, base):
            # One JSON value per "\n"-separated line (a U+2028 in a name is not a line end).
            kinds = {}
            for line in text_of(base + ".ndjson").split("\n"):
                if line:
                    record = json.loads(line)
                    kinds.setdefault(record["kind"], []).append(record["record"])
            check([o["key"] for o in kinds.get("object", [])] == case["objectKeys"], base + ".ndjson objects")
            check([o["key"] for o in kinds.get("logFile", [])] == case["logFileKeys"], base + ".ndjson logFiles")

        def check_junit(case, base):
            # Every finding is a failure; names read back as trailproof escaped them.
            xml = JUnitXml.fromfile(base + ".junit.xml")
            cases = [c for suite in xml for c in suite]
            check(sum(1 for c in cases for r in c.result if isinstance(r, Failure)) == case["junitFailures"], base + ".junit.xml failures")
            check([c.name for c in cases if c.classname == "objects"] == case["junitObjectCases"], base + ".junit.xml object cases")
            check([c.name for c in cases if c.classname == "log files no digest lists"] == case["junitLogFileCases"], base + ".junit.xml log file cases")

        def check_html(case, base):
            # No parse error at all (strict), a CSP, no script, link or image, every location shown.
            with open(base + ".html", "rb") as f:
                document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(f.read())
            policies = [m.get("content") for m in document.iter("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
            check(len(policies) == 1 and "default-src 'none'" in policies[0] and "script-src" not in policies[0], base + ".html CSP " + repr(policies))
            check(not list(document.iter("script")) and not list(document.iter("a")) and not list(document.iter("img")), base + ".html active elements")
            page = "".join(document.itertext())
            for location in case["htmlTexts"]:
                check(location in page, base + ".html shows " + repr(location))

        def local(element):
            return element.tag.rsplit("}", 1)[-1]

        def check_markdown(case, base):
            # GitHub's parser finds no link, image or HTML; each cell is one code span read back as escaped.
            rendered = subprocess.run(["cmark-gfm", "-e", "table", "-e", "autolink", "-e", "strikethrough", "-e", "tagfilter",
                                       "--to", "xml", base + ".md"], capture_output=True, check=True).stdout
            tree = ET.fromstring(rendered)
            active = sorted({local(e) for e in tree.iter() if local(e) in ("link", "image", "html_inline", "html_block")})
            check(not active, base + ".md has " + repr(active))
            tables = [e for e in tree.iter() if local(e) == "table"]
            check(len(tables) == 2, base + ".md tables")
            rows = [r for r in tables[-1] if local(r) == "table_row"]
            cells = [[c for c in r if local(c) == "table_cell"] for r in rows]
            def code(cell):
                spans = [e for e in cell if local(e) == "code"]
                return spans[0].text if len(spans) == 1 and len(list(cell)) == 1 else None
            check([code(c[3]) for c in cells] == case["markdownLocations"], base + ".md locations " + repr([code(c[3]) for c in cells][:3]))
            check([code(c[4]) for c in cells] == case["markdownDetails"], base + ".md details")

        manifest = json.loads(text_of(sys.argv[1]))
        for case in manifest:
            for checker in (check_json, check_ndjson, check_junit, check_html, check_markdown):
                try:
                    checker(case, case["base"])
                except Exception as error:
                    problems.append(case["base"] + " " + checker.__name__ + ": " + repr(error))

        if problems:
            print("\n".join(problems[:200]))
            print(len(problems), "problems")
            sys.exit(1)
        print("checked", len(manifest), "reports")
        """#
}
