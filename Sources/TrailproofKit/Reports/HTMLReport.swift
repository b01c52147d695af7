import FoundationEssentials
import TrailproofNative

/// The forensic report: one self-contained HTML file (no fetches, no scripts, no external styles)
/// that opens from a USB stick on an air-gapped laptop and prints to PDF with every finding shown.
public enum HTMLReport {
    /// Renders `report` with the custody record of its run.
    public static func render(_ report: VerificationReport, run: RunRecord) -> [UInt8] {
        var html = HTMLBuilder()
        let verdict = Verdict(report)
        let verified = verdict.outcome == .verified
        html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        html.raw("<title>\(Markup.xml("CloudTrail integrity report: " + verdict.outcome.headline.lowercased()))</title>\n")
        html.raw("<style>\(styleElementText)</style>\n</head>\n<body>\n")

        html.raw("<header>\n<h1>CloudTrail integrity report</h1>\n")
        let banner = verified ? "ok" : verdict.outcome == .notVerifiable ? "warn" : "bad"
        html.raw("<p class=\"verdict \(banner)\" id=\"verdict\">\(Markup.xml(verdict.sentence(coveredSpan: report.totals.coveredSpan)))</p>\n")
        html.raw("<p class=\"sub\">Source: <code>\(Markup.xml(report.scope.source))</code></p>\n</header>\n")

        summary(report, verdict: verdict, into: &html)
        custody(report, run: run, into: &html)
        chains(report, verdict: verdict, into: &html)
        findings(report, into: &html)
        if !report.notices.isEmpty {
            html.raw("<section id=\"notices\">\n<h2>Notes</h2>\n<ul>\n")
            for notice in report.noticeTexts { html.raw("<li>\(Markup.xml(notice))</li>\n") }
            html.raw("</ul>\n</section>\n")
        }
        html.raw("<footer>Written by \(Markup.xml(report.tool.name)) \(Markup.xml(report.tool.version)). Every finding is listed; nothing needs a click to be seen.</footer>\n")
        html.raw("</body>\n</html>\n")
        return Array(html.text.utf8)
    }

    /// What the page may load and run: nothing but its own stylesheet (allowed by its SHA-256),
    /// no script, no fetch, no form, no frame, no base URL. Text that escaped its escaping could
    /// still not run, call home, or restyle the page to hide a finding.
    static let contentSecurityPolicy: String = {
        let style = styleHash.map { "style-src '\($0)'" } ?? "style-src 'none'"
        return "default-src 'none'; \(style); base-uri 'none'; form-action 'none'"
    }()

    /// `sha256-…` of the `<style>` element's text; nil only if OpenSSL cannot hash (the page then
    /// shows unstyled, every finding still in it).
    static let styleHash: String? = {
        guard let digest = try? MessageDigest(.sha256), (try? digest.update(Array(styleElementText.utf8))) != nil,
              let hash = try? digest.finish() else { return nil }
        return "sha256-" + Data(hash).base64EncodedString()
    }()

    /// The text inside `<style>`, exactly as written.
    static var styleElementText: String { "\n" + stylesheet }

    /// The verdict in words a non-specialist understands (`Verdict.sentence`).
    static func verdictSentence(_ report: VerificationReport) -> String {
        Verdict(report).sentence(coveredSpan: report.totals.coveredSpan)
    }

    private static func summary(_ report: VerificationReport, verdict: Verdict, into html: inout HTMLBuilder) {
        let scope = report.scope, totals = report.totals, counts = verdict.counts
        html.raw("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"facts\">\n<tbody>\n")
        html.row("Window", report.windowText)
        // Every chain's: the intersection of the chains' verified spans, never their union.
        html.row("Span verified", counts.verifiedInEveryChainText + (report.chains.count > 1 ? " (in every chain)" : ""))
        html.row("Chains", "\(totals.chains)")
        html.row("Digest files", counts.digests.line(noun: "digest files"))
        html.row("Log files", counts.logFiles.line())
        html.row("Result", verdict.resultText)
        if let trail = scope.trailARN { html.row("Trail", trail) }
        html.raw("</tbody>\n</table>\n")
        html.raw("<table class=\"counts\">\n<thead><tr><th>Object</th><th>Verdict</th><th>Count</th></tr></thead>\n<tbody>\n")
        for (verdict, count) in totals.digestsByVerdict.sorted(by: { $0.key < $1.key }) {
            html.raw("<tr class=\"\(verdict == "valid" ? "okrow" : "badrow")\"><td>digest</td><td>\(Markup.xml(verdict))</td><td>\(count)</td></tr>\n")
        }
        for (verdict, count) in totals.logFilesByVerdict.sorted(by: { $0.key < $1.key }) {
            let finding = LogFileVerdict(rawValue: verdict)?.isFinding ?? true
            html.raw("<tr class=\"\(finding ? "badrow" : "okrow")\"><td>log file</td><td>\(Markup.xml(verdict))</td><td>\(count)</td></tr>\n")
        }
        if totals.gaps > 0 { html.raw("<tr class=\"badrow\"><td>gap</td><td>no coverage</td><td>\(totals.gaps)</td></tr>\n") }
        if totals.objectFindings > 0 {
            html.raw("<tr class=\"badrow\"><td>object</td><td>unexpected or mismatched</td><td>\(totals.objectFindings)</td></tr>\n")
        }
        if totals.logFilesOutOfScope > 0 {
            html.raw("<tr class=\"okrow\"><td>log file</td><td>outside the window (not checked)</td><td>\(totals.logFilesOutOfScope)</td></tr>\n")
        }
        html.raw("</tbody>\n</table>\n</section>\n")
    }

    private static func custody(_ report: VerificationReport, run: RunRecord, into html: inout HTMLBuilder) {
        html.raw("<section id=\"custody\">\n<h2>Chain of custody</h2>\n<table class=\"facts\">\n<tbody>\n")
        html.row("Tool", "\(report.tool.name) \(report.tool.version)")
        html.row("Command line", run.commandLineText, code: true)
        html.row("Started (UTC)", run.startedAt.iso8601)
        html.row("Ended (UTC)", run.endedAt.iso8601)
        html.row("Host", run.host)
        html.row("Source", report.scope.source, code: true)
        if let bucket = report.scope.bucket { html.row("Bucket", bucket + (report.scope.bucketAssumed ? " (assumed from the digests)" : "")) }
        let keySources = report.scope.publicKeySources.isEmpty ? ["(not recorded)"] : report.scope.publicKeySources
        for (index, source) in keySources.enumerated() { html.row(index == 0 ? "Public keys from" : "", source, code: true) }
        if report.scope.publicKeysFromEvidence {
            html.row("Warning", "The public keys were taken from the archive itself: whoever could alter the archive could have replaced them. This report proves the archive is self-consistent, not that CloudTrail wrote it.")
        }
        if let authorities = report.scope.authorities {
            for (index, endpoint) in authorities.endpoints.enumerated() {
                html.row(index == 0 ? "Endpoints that answered" : "", "\(endpoint.service) \(endpoint.url)\(endpoint.awsOwned ? "" : " (override)")", code: true)
            }
            html.row("Signed in as", authorities.identityText)
            if let warning = authorities.overrideWarning { html.row("Warning", warning) }
        }
        let used = Set(report.digests.compactMap(\.publicKeyFingerprint)).sorted()
        html.row("Key fingerprints used by digests", used.isEmpty ? "none" : used.joined(separator: ", "), code: true)
        let sources = report.signatureSources
        html.row("Digest signatures from", sources.isEmpty ? "none" : sources.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        html.row("JSON report SHA-256", run.jsonReportSHA256 + (run.jsonReportPath.map { " (written to \($0))" }
            ?? " (the bytes \(report.inputNames.reportJSON) writes for this run)"), code: true)
        if let reference = report.scope.referenceTime { html.row("Reference time", reference.iso8601) }
        if let runID = report.scope.runID { html.row("Run id", runID) }
        html.raw("</tbody>\n</table>\n</section>\n")
    }

    private static func chains(_ report: VerificationReport, verdict: Verdict, into html: inout HTMLBuilder) {
        html.raw("<section id=\"chains\">\n<h2>Coverage by chain</h2>\n")
        html.raw(legend)
        let trust = TrustClassifier(report)
        for (chain, counts) in zip(report.chains, verdict.counts.chains) {
            let timeline = CoverageTimeline(chain: chain, report: report, trust: trust)
            html.raw("<div class=\"chain\">\n<h3>\(Markup.xml(chain.id))</h3>\n")
            html.raw("<p class=\"chainline\">\(Markup.xml(counts.line)). Bucket <code>\(Markup.xml(chain.bucket))</code>.</p>\n")
            html.raw(TimelineSVG.render(timeline))
            let marks = TimelineSVG.mergedMarks(timeline)
            if marks.isEmpty {
                html.raw("<p class=\"okline\">No problem hour on this chain.</p>\n")
            } else {
                html.raw("<ol class=\"marks\">\n")
                for mark in marks {
                    html.raw("<li><span class=\"swatch s\(mark.state.rawValue)\"></span><b>\(Markup.xml(mark.state.label))</b> \(Markup.xml(mark.span.start.iso8601)) to \(Markup.xml(mark.span.end.iso8601)): \(Markup.xml(mark.label))</li>\n")
                }
                html.raw("</ol>\n")
            }
            html.raw("</div>\n")
        }
        html.raw("</section>\n")
    }

    private static func findings(_ report: VerificationReport, into html: inout HTMLBuilder) {
        let rows = FindingRow.rows(of: report)
        html.raw("<section id=\"findings\">\n<h2>Findings and notices (\(rows.count))</h2>\n")
        guard !rows.isEmpty else {
            html.raw("<p class=\"okline\">No finding.</p>\n</section>\n")
            return
        }
        html.raw("<table class=\"findings\">\n<thead><tr><th>Severity</th><th>Object</th><th>Verdict</th><th>Evidence</th><th>Location</th></tr></thead>\n<tbody>\n")
        for row in rows {
            html.raw("<tr class=\"sev\(row.severity.rawValue)\"><td>\(row.severity.label)</td><td>\(Markup.xml(row.object))</td><td><b>\(Markup.xml(row.verdict))</b></td><td>")
            html.raw("<div>\(Markup.xml(row.detail))</div>")
            if let chain = row.chain { html.raw("<div><i>chain</i> <code>\(Markup.xml(chain))</code></div>") }
            if let span = row.span { html.raw("<div><i>time</i> \(Markup.xml(span.start == span.end ? span.start.iso8601 : span.text))</div>") }
            for (label, value) in row.evidence { html.raw("<div><i>\(Markup.xml(label))</i> <code>\(Markup.xml(value))</code></div>") }
            // The whole location once as text (the title: a search of the file finds it, and hovering shows it),
            // and in the cell with a line-break opportunity after each `/`.
            let location = Markup.xml(row.location ?? "-")
            html.raw("</td><td class=\"loc\" title=\"\(location)\"><code>\(breakableAtSlashes(location))</code></td></tr>\n")
        }
        html.raw("</tbody>\n</table>\n</section>\n")
    }

    /// Escaped text with a line-break opportunity after every `/`, so that a long s3:// URL
    /// wraps at its folders (on screen and in print) rather than letter by letter.
    static func breakableAtSlashes(_ escaped: String) -> String {
        escaped.replacingAll("/", with: "/<wbr>")
    }

    static let legend: String = {
        var text = "<p class=\"legend\">"
        for state in CoverageTimeline.State.byRank {
            text += "<span class=\"swatch s\(state.rawValue)\"></span>\(state.label) "
        }
        return text + "</p>\n"
    }()

    static let stylesheet = """
        body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#111;padding:0 1em}
        h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:1.6em}h3{font-size:1em;margin:1.2em 0 .3em}
        .verdict{font-size:1.15em;padding:.7em 1em;border-radius:4px;font-weight:600}
        .verdict.ok{background:#e3f4e3;border:1px solid #2e7d32}.verdict.bad{background:#fde7e7;border:1px solid #c62828}
        .sub{color:#444}code{font-family:Menlo,Consolas,monospace;font-size:.88em;word-break:break-all}
        table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;vertical-align:top;font-size:.9em}
        thead th{background:#f0f0f0}table.facts th,table.facts td{width:auto}table.facts td:first-child{white-space:nowrap;font-weight:600;width:14em}
        .okrow td{background:#f5fbf5}.badrow td{background:#fdf3f3}
        .sev0 td:first-child{background:#b71c1c;color:#fff}.sev1 td:first-child{background:#e65100;color:#fff}
        .sev2 td:first-child{background:#616161;color:#fff}.sev3 td:first-child{background:#f9a825}
        .sev4 td:first-child{background:#6a1b9a;color:#fff}.sev5 td:first-child{background:#e0e0e0}
        .swatch{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 .8em;vertical-align:-.1em;border:1px solid #999}
        .s0{background:#c62828}.s1{background:#ef6c00}.s2{background:#424242}.s3{background:#fbc02d}.s4{background:#43a047}.s5{background:#f5f5f5}
        .s6{background:#880e4f}.s7{background:#8d6e63}.s8{background:#6a1b9a}.s9{background:#1e88e5}.s10{background:#90a4ae}
        .verdict.warn{background:#fff4e5;border:1px solid #ef6c00}
        svg.timeline{width:100%;height:auto;display:block}ol.marks{font-size:.88em}.okline{color:#2e7d32}
        footer{margin-top:2em;color:#666;font-size:.85em}
        td.loc code{word-break:normal;overflow-wrap:anywhere}
        @media print{body{margin:0;max-width:none;font-size:10pt}h2{page-break-after:avoid}.chain{page-break-inside:avoid}
        tr{page-break-inside:avoid}thead{display:table-header-group}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        table.findings{table-layout:fixed}table.findings th:nth-child(1){width:9%}table.findings th:nth-child(2){width:8%}
        table.findings th:nth-child(3){width:12%}table.findings th:nth-child(4){width:39%}table.findings th:nth-child(5){width:32%}
        table.findings td{overflow-wrap:anywhere}code{word-break:normal;overflow-wrap:anywhere}}

        """
}

/// Accumulates HTML text.
struct HTMLBuilder {
    var text = ""

    mutating func raw(_ fragment: String) { text += fragment }

    /// A two-cell table row: a label and an escaped value.
    mutating func row(_ label: String, _ value: String, code: Bool = false) {
        let cell = code ? "<code>\(Markup.xml(value))</code>" : Markup.xml(value)
        text += "<tr><td>\(Markup.xml(label))</td><td>\(cell)</td></tr>\n"
    }
}
