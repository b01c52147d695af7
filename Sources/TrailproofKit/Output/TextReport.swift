/// The human report: a summary in the AWS CLI's spirit for stdout, one line per problem for stderr.
public struct TextReport: Sendable {
    /// Summary lines (stdout).
    public var summary: [String] = []
    /// Problem and notice lines (stderr), each starting with `trailproof: `: `findings`, then `notes`.
    public var problems: [String] { findings + notes }
    /// One line per finding (and per log file notice): digests, log files, objects, gaps.
    public var findings: [String] = []
    /// One line per notice of the report.
    public var notes: [String] = []

    /// Renders `report`; with `verbose`, the summary also has a line for every file.
    public init(_ report: VerificationReport, verbose: Bool) {
        let totals = report.totals
        let urls = ObjectURLs(report)
        func location(_ key: String?, bucket: String?, chain: String?) -> String {
            urls.url(key, bucket: bucket, chain: chain) ?? "(key unknown)"
        }

        for record in report.digests where record.verdict != .valid {
            let span = record.span.map { " (\($0.text))" } ?? ""
            let detail = record.problems.map(\.detail).joined(separator: "; ")
            let place = record.key == nil && record.expectedKey != nil
                ? "(expected \(location(record.expectedKey, bucket: record.bucket, chain: record.chain)))"
                : location(record.key, bucket: record.bucket, chain: record.chain)
            findings.append("trailproof: digest \(record.verdict.rawValue): \(place)\(span): \(detail)")
        }
        for record in report.logFiles where record.verdict != .valid {
            let kind = record.verdict.isFinding ? "log-file" : "note: log-file"
            findings.append("trailproof: \(kind) \(record.verdict.rawValue): \(location(record.key, bucket: record.bucket, chain: nil)): \(record.detail ?? "")")
        }
        for record in report.objects {
            findings.append("trailproof: object \(record.verdict.rawValue): \(location(record.key, bucket: report.scope.bucket ?? report.chains.first?.bucket, chain: nil)): \(record.detail)")
        }
        for gap in report.gaps {
            let kind = report.scope.gapsAllowed ? "note: gap" : "gap"
            findings.append("trailproof: \(kind) \(gap.kind.rawValue): \(gap.chain) (\(gap.span.text)): \(gap.detail)")
        }
        notes = report.noticeTexts.map { "trailproof: note: \($0)" }

        if let shard = report.shard {
            summary.append("Shard \(shard.index) of \(shard.count) (from 0): \(shard.locations.count) of \(shard.locationsListed) locations; "
                + "`trailproof merge` the shards' JSON reports for the verdict on the whole source")
        }
        if let runID = report.scope.runID {
            summary.append("Run \(runID), reference time \(report.scope.referenceTime?.iso8601 ?? "none")")
        }
        let openEnded = (report.scope.start == nil) != (report.scope.end == nil)
        summary.append("Results requested " + (openEnded ? "" : "for ") + report.windowText)
        if let covered = totals.coveredSpan {
            summary.append("Results found for \(covered.text):")
        } else {
            summary.append("No verified digest in the requested range:")
        }
        summary.append("")
        // One set of counts (`ReportCounts`): every line's categories add up to its total.
        let verdict = Verdict(report)
        let counts = verdict.counts
        summary.append(counts.digests.line(noun: "digest files"))
        summary.append(counts.logFiles.line())
        if totals.objectFindings > 0 {
            summary.append("\(totals.objectFindings) other \(totals.objectFindings == 1 ? "object" : "objects") UNEXPECTED or mismatched (see the object lines)")
        }
        if totals.logFilesOutOfScope > 0 {
            summary.append("\(CountText.of(totals.logFilesOutOfScope, "log file")) outside the requested window, not checked")
        }
        if totals.gaps > 0 {
            summary.append("\(totals.gaps) \(totals.gaps == 1 ? "gap" : "gaps") with no integrity coverage\(report.scope.gapsAllowed ? " (allowed)" : "")")
        }
        summary.append("")
        summary.append("Chains (\(report.chains.count)):")
        for chain in counts.chains { summary.append("  \(chain.chain): \(chain.line)") }
        let sources = report.signatureSources
        if !sources.isEmpty {
            summary.append("Signatures from: " + sources.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        if !report.scope.publicKeySources.isEmpty {
            summary.append("Public keys from: " + report.scope.publicKeySources.joined(separator: "; "))
        }
        if let authorities = report.scope.authorities {
            summary.append("Endpoints: " + authorities.endpointsText)
            summary.append("Signed in as: " + authorities.identityText)
            if let warning = authorities.overrideWarning { summary.append(warning) }
        }
        summary.append(verdict.resultLine)

        if verbose {
            // The file lines come first, so that the summary and its `Result:` line end the output
            // (what a CI log's tail shows).
            var lines: [String] = []
            for record in report.digests {
                let source = record.signatureSource.map { " [signature: \($0.rawValue)]" } ?? ""
                lines.append("digest \(record.verdict.rawValue) \(location(record.key, bucket: record.bucket, chain: record.chain))\(source)")
            }
            for record in report.logFiles {
                lines.append("log-file \(record.verdict.rawValue) \(location(record.key, bucket: record.bucket, chain: nil))")
            }
            summary.insert(contentsOf: lines + [""], at: 0)
        }
        // Keys, names and details are chosen by whoever can write to the bucket.
        summary = summary.map(TerminalText.escaped)
        findings = findings.map(TerminalText.escaped)
        notes = notes.map(TerminalText.escaped)
    }

    /// `valid/total noun valid[, failed/total noun WORD]` (the query results report's lines).
    static func ratioLine(valid: Int, total: Int, noun: String, failed: Int, failedWord: String) -> String {
        var line = "\(valid)/\(total) \(noun) valid"
        if failed > 0 { line += ", \(failed)/\(total) \(noun) \(failedWord)" }
        return line
    }
}
