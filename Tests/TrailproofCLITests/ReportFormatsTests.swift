import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// `--report FORMAT=PATH`: every format from one run, read back by the readers people and CI
/// systems use: a headless Chromium (DOM, PNG, PDF), html5lib, xmllint with a JUnit schema,
/// junitparser, cmark-gfm (GitHub's Markdown).
@Suite struct ReportFormatsTests {
    static let chromium = "/usr/bin/chromium"
    static let formats = ["json", "ndjson", "html", "junit", "markdown"]

    /// A generated trail, verified once with every report written into its scratch folder.
    struct Run {
        let scratch: ScratchDirectory
        let root: String
        let result: BuiltBinary.Run
        let report: VerificationReport
        func path(_ format: String) -> String { scratch.path + "/report." + format }
        func bytes(_ format: String) throws -> [UInt8] { try LocalFile.readAll(path(format), limit: 1 << 28) }
    }

    /// `tampered`: every kind of finding (digest, log file, gap, object); otherwise untouched.
    static func verified(_ label: String, tampered: Bool) throws -> Run {
        let scratch = try ScratchDirectory("reports-\(label)")
        let generator = try BuiltExecutable.locate("trailproof-gen").get()
        var arguments = ["--out", scratch.path, "--hours", "12", "--regions", "us-east-1,eu-west-2", "--seed", tampered ? "5" : "6"]
        if tampered {
            arguments += ["--modify-log", "1", "--delete-log", "3", "--corrupt-log", "5", "--modify-digest", "4", "--delete-digest", "7",
                          "--move-digest", "9", "--unknown-key-digest", "2", "--plant-log", "6", "--stop-logging", "10:3",
                          "--strip-signature", "11"]
        }
        let generated = try BuiltBinary.run(program: generator, arguments)
        #expect(generated.status == 0, "\(generated)")
        let root = scratch.path + "/trailproof-example-bucket"
        if tampered {
            // A planted name that is also markup, in a trail folder: a finding, and never markup.
            try LocalFile.write(Array("x".utf8), to: root + "/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/x<img src=x onerror=alert(1)>&amp;.txt")
            // Names that broke their readers: noncharacters (ill-formed XML), a URL, a host and an
            // address (links in Markdown), bidi and zero-width characters (hidden text).
            for name in Self.hostileNames {
                try LocalFile.write(Array("x".utf8), to: root + "/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/" + name)
            }
            // And a malformed digest in the other region.
            let folder = root + "/AWSLogs/111122223333/CloudTrail-Digest/eu-west-2/2026/01/08"
            let digest = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json.gz") }.sorted().dropFirst(3).first)
            try LocalFile.write(Array("garbage".utf8), to: folder + "/" + digest)
        }
        var verify = ["verify", root, "--public-keys", scratch.path + "/public-keys.json"]
        if tampered { verify += ["--end", "2026-01-09T06:00:00Z"] }
        for format in formats { verify += ["--report", "\(format)=\(scratch.path)/report.\(format)"] }
        let result = try BuiltBinary.run(verify)
        #expect(result.status == (tampered ? 1 : 0), "\(result)")
        let report = try JSONReport.decode(try LocalFile.readAll(scratch.path + "/report.json", limit: 1 << 28))
        return Run(scratch: scratch, root: root, result: result, report: report)
    }

    /// Planted beside the trail's log files in the tampered run.
    static let hostileNames = ["x\u{FFFE}\u{FFFF}.txt", "https:evil.example", "www.evil.example", "user@evil.example", "\u{202E}gpj.exe", "zero\u{200B}width"]

    static func browser(_ arguments: [String]) throws -> BuiltBinary.Run {
        #expect(FileManager.default.isExecutableFile(atPath: chromium), "chromium is not installed: run through scripts/test")
        return try BuiltBinary.run(program: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"] + arguments, timeout: 90)
    }

    /// Pixels of `hex` colour in a PNG, counted by Pillow.
    static func pixels(ofColor hex: String, in png: String) throws -> Int {
        let script = "import sys; from PIL import Image; c=tuple(int(sys.argv[2][i:i+2],16) for i in (0,2,4)); im=Image.open(sys.argv[1]).convert('RGB'); print(sum(1 for p in im.getdata() if p==c))"
        let run = try BuiltBinary.run(program: "/usr/bin/env", ["python3"] + ["-c", script, png, hex])
        #expect(run.status == 0, "\(run)")
        return Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test(arguments: [true, false])
    func theHTMLReportRendersInAHeadlessBrowserWithEveryFindingGapAndChain(tampered: Bool) throws {
        let run = try Self.verified(tampered ? "html-tampered" : "html-clean", tampered: tampered)
        defer { run.scratch.remove() }
        let html = run.path("html")
        let dom = try Self.browser(["--dump-dom", "file://" + html])
        #expect(dom.status == 0, "\(dom)")
        let text = dom.stdout
        #expect(text.contains(tampered ? "Not verified:" : "Verified:"))
        for chain in run.report.chains { #expect(text.contains(chain.id), "chain \(chain.id)") }
        for record in run.report.digests where record.verdict != .valid {
            #expect(text.contains(record.key ?? record.problems[0].detail.prefix(40).description), "digest \(record.verdict) \(record.key ?? "-")")
        }
        for record in run.report.logFiles where record.verdict != .valid { #expect(text.contains(record.key), "log file \(record.key)") }
        for gap in run.report.gaps { #expect(text.contains(gap.span.start.iso8601) && text.contains(gap.span.end.iso8601), "gap \(gap.span.text)") }
        // The markup in a planted name stays text.
        #expect(!text.contains("<img"))
        if tampered {
            #expect(text.contains("x&lt;img src=x onerror=alert(1)&gt;&amp;amp;.txt"))
            // Every kind of finding this trail holds is shown.
            for verdict in ["signature-invalid", "public-key-not-found", "moved", "missing", "malformed", "signature-unavailable",
                            "modified", "unreadable", "unverified", "unreferenced", "chain-restart", "uncovered-end", "unexpected"] {
                #expect(text.contains("<b>\(verdict)</b>"), "\(verdict)")
            }
        }
        // Well-formed for a strict HTML5 parser, planted names and all.
        let parsed = try BuiltBinary.run(program: "/usr/bin/env", ["python3", "-c",
            "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read())", html])
        #expect(parsed.status == 0, "\(parsed)")
        // Tied to the JSON report of the same run.
        #expect(text.contains(try MessageDigest.sha256Hex(try run.bytes("json"))))
        // No fetch of anything: no external URL in the file.
        let source = String(decoding: try run.bytes("html"), as: UTF8.self)
        #expect(!source.contains("http://") || !source.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!source.contains("https://") && !source.contains("<script") && !source.contains("<link"))

        if tampered {
            // The modified log file's hour shows it: its cell is the modified-log colour, and its
            // hover title names the file (issue 18: it sat in a green "verified" hour).
            let modified = try #require(run.report.logFiles.first { $0.verdict == .modified })
            let rect = "<rect class=\"s\(CoverageTimeline.State.logModified.rawValue)\""
            let cells = text.components(separatedBy: rect).dropFirst().map { $0.components(separatedBy: "</rect>")[0] }
            #expect(cells.contains { $0.contains(modified.key) }, "a modified-log cell names \(modified.key)")
            #expect(text.contains("modified log file"), "in the legend")
        }
        // Drawn: the timeline's colours are on screen; red only where a digest failed.
        let png = run.scratch.path + "/shot.png"
        let shot = try Self.browser(["--screenshot=" + png, "--window-size=1200,2600", "file://" + html])
        #expect(shot.status == 0, "\(shot)")
        #expect(try Self.pixels(ofColor: "43a047", in: png) > 500, "verified cells drawn")
        // The legend's swatch is red too (about 200 pixels at this size); failed digests' cells add
        // thousands. (The findings table marks severity in other shades, so it does not count.)
        let red = try Self.pixels(ofColor: "c62828", in: png)
        #expect(tampered ? red > 2000 : red < 400, "\(red) red pixels")
        // The stylesheet ran (the Content-Security-Policy allows it by its hash): the verdict's banner is coloured.
        let banner = try Self.pixels(ofColor: tampered ? "fde7e7" : "e3f4e3", in: png)
        #expect(banner > 5000, "\(banner) banner pixels")
        // The modified log file's hour is drawn in its colour (the legend's swatch alone is about 200 pixels).
        let modifiedLog = try Self.pixels(ofColor: "880e4f", in: png)
        #expect(tampered ? modifiedLog > 600 : modifiedLog < 400, "\(modifiedLog) modified-log pixels")
        // And it prints.
        let pdf = run.scratch.path + "/report.pdf"
        let printed = try Self.browser(["--print-to-pdf=" + pdf, "--no-pdf-header-footer", "file://" + html])
        #expect(printed.status == 0, "\(printed)")
        let bytes = try LocalFile.readAll(pdf, limit: 1 << 26)
        #expect(bytes.starts(with: Array("%PDF".utf8)) && bytes.count > 10_000)
        // Printed, an s3:// location wraps at its folders over a few lines, not letter by letter
        // in a narrow column (about 17 lines before the print stylesheet).
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext"), "poppler-utils is not installed: run through scripts/test")
        let pdfText = try BuiltBinary.run(program: "/usr/bin/pdftotext", [pdf, "-"])
        let lines = pdfText.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [Int] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("s3://") {
            blocks.append(lines[index...].prefix { !$0.isEmpty }.count)
        }
        if tampered { #expect(!blocks.isEmpty, "the findings' locations are in the PDF's text") }
        #expect(blocks.allSatisfy { $0 <= 6 }, "lines per printed s3:// location: \(blocks)")
    }

    @Test func theJUnitReportValidatesAgainstItsSchemaAndCountsWhatTheJSONSays() throws {
        let run = try Self.verified("junit", tampered: true)
        defer { run.scratch.remove() }
        let schema = BuiltBinary.packageRoot + "/Tests/Fixtures/junit.xsd"
        let lint = try BuiltBinary.run(program: "/usr/bin/xmllint", ["--noout", "--schema", schema, run.path("junit")])
        #expect(lint.status == 0, "\(lint)")
        // junitparser, and the reading of Jenkins and GitLab: a testcase is one result, its first
        // <failure> element (ElementTree counts every failure element of every testcase).
        let script = """
            import json, sys
            import xml.etree.ElementTree as ET
            from junitparser import JUnitXml, Failure, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            cases = [case for suite in xml for case in suite]
            failed = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
            skipped = [case for case in cases if any(isinstance(r, Skipped) for r in case.result)]
            tree = ET.parse(sys.argv[1]).getroot()
            elements = [len(case.findall("failure")) for case in tree.iter("testcase")]
            suites = {suite.get("name"): [case.get("name") for case in suite.iter("testcase")] for suite in tree.iter("testsuite")}
            declared = sum(int(suite.get("failures")) for suite in tree.iter("testsuite"))
            print(json.dumps({"suites": len(list(xml)), "cases": len(cases), "failed": len(failed), "skipped": len(skipped),
                              "failures": sum(1 for case in cases for r in case.result if isinstance(r, Failure)),
                              "mostFailuresInACase": max(elements), "failureElements": sum(elements), "declaredFailures": declared,
                              "casesBySuite": suites}))
            """
        let parsed = try BuiltBinary.run(program: "/usr/bin/env", ["python3"] + ["-c", script, run.path("junit")])
        #expect(parsed.status == 0, "\(parsed)")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
        let report = run.report
        // One suite per chain: every object of this trail lies in a chain's own location.
        #expect(counts["suites"] as? Int == report.chains.count)
        let casesBySuite = try #require(counts["casesBySuite"] as? [String: [String]])
        #expect(casesBySuite[JUnitReport.outsideSuiteName] == nil)
        // One testcase per digest, per log file with a finding or notice, per gap and per object.
        let logCases = report.logFiles.filter { $0.verdict != .valid }.count
        #expect(counts["cases"] as? Int == report.digests.count + logCases + report.gaps.count + report.objects.count)
        // One failure per finding, one finding per testcase: what Jenkins and GitLab show is all there is.
        #expect(counts["mostFailuresInACase"] as? Int == 1)
        for key in ["failures", "failed", "failureElements", "declaredFailures"] { #expect(counts[key] as? Int == report.totals.findings, "\(key)") }
        #expect(counts["skipped"] as? Int == report.logFiles.filter { !$0.verdict.isFinding && $0.verdict != .valid }.count)
        // Each chain's log files, listed by its digests or by none (unreferenced, planted), are in its suite.
        for record in report.logFiles where record.verdict.isFinding {
            guard case .logFile(let name)? = TrailObjectKey(record.key) else { continue }
            let chain = try #require(report.chains.first { $0.chain.location == name.location && !$0.chain.isBackfill })
            #expect(casesBySuite[chain.id]?.contains("log file s3://\(record.bucket)/\(record.key)") == true, "\(record.key) in \(chain.id)")
        }
        // The verdict sentence travels with every suite.
        let junit = String(decoding: try run.bytes("junit"), as: UTF8.self)
        #expect(junit.contains("<property name=\"verdict\" value=\"INTEGRITY PROBLEMS FOUND (\(report.totals.findings)): "))
    }

    @Test func theNDJSONAndMarkdownReportsSayWhatTheJSONSays() throws {
        let run = try Self.verified("ndjson", tampered: true)
        defer { run.scratch.remove() }
        let report = run.report
        let lines = String(decoding: try run.bytes("ndjson"), as: UTF8.self).split(separator: "\n")
        var kinds: [String: Int] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            kinds[object["kind"] as? String ?? "?", default: 0] += 1
        }
        #expect(kinds == ["header": 1, "scope": 1, "chain": report.chains.count, "digest": report.digests.count,
                          "logFile": report.logFiles.count, "gap": report.gaps.count, "object": report.objects.count,
                          "notice": report.notices.count, "verdict": 1, "totals": 1].filter { $0.value > 0 })
        let last = try #require(try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        #expect(last["kind"] as? String == "totals")
        #expect((last["record"] as? [String: Any])?["findings"] as? Int == report.totals.findings)

        let markdown = String(decoding: try run.bytes("markdown"), as: UTF8.self)
        #expect(markdown.hasPrefix("## trailproof: INTEGRITY PROBLEMS FOUND (\(report.totals.findings)): "))
        // Class by class, as the text report's Result line says it.
        #expect(run.result.stdout.contains("Result: INTEGRITY PROBLEMS FOUND (\(report.totals.findings)): "))
        let heading = try #require(markdown.split(separator: "\n").first)
        for words in ["log file modified", "digest signature-invalid", "digest moved", "digest malformed", "not verifiable: no public key for", "no signature for"] {
            #expect(heading.contains(words), "\(words) in \(heading)")
        }
        let findings = try #require(markdown.components(separatedBy: "### Findings").dropFirst().first?.components(separatedBy: "### Coverage").first)
        let rows = findings.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Severity") }
        #expect(rows.count == min(report.totals.findings, MarkdownReport.findingLimit))
        // GitHub's Markdown (cmark-gfm with its extensions) makes no link, image or HTML of any name
        // (`<img …>` in a planted name stays text inside a code span).
        let tree = try BuiltBinary.run(program: "/usr/bin/cmark-gfm", ["-e", "table", "-e", "autolink", "-e", "tagfilter", "--to", "xml", run.path("markdown")])
        #expect(tree.status == 0, "\(tree)")
        for node in ["<link", "<image", "<html_inline", "<html_block"] { #expect(!tree.stdout.contains(node), "\(node) in \(tree.stdout)") }
        for name in Self.hostileNames { #expect(tree.stdout.contains(TerminalText.escaped(name)), "\(name.debugDescription)") }
    }

    @Test func aReportToStandardOutputTakesItsPlaceAndOnlyOneMay() throws {
        let trail = try CLITrail("report-stdout")
        defer { trail.remove() }
        let run = try trail.verify(["--report", "junit=-"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("<?xml"), "\(run)")
        #expect(!run.stdout.contains("Result: VERIFIED"))
        for bad in [["--report", "junit=-", "--report", "html=-"], ["--report", "pdf=x.pdf"], ["--report", "html"], ["--report", "json=s3://bucket/"]] {
            let refused = try trail.verify(bad)
            #expect(refused.status == 2, "\(refused)")
        }
    }
}
