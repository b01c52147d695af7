/// A short Markdown summary for CI job pages (`$GITHUB_STEP_SUMMARY`, merge request notes):
/// verdict, counts, the first findings, coverage per chain.
public enum MarkdownReport {
    /// Findings shown in the table; a line says how many more there are.
    public static let findingLimit = 50

    /// Renders `report`.
    public static func render(_ report: VerificationReport) -> [UInt8] {
        let totals = report.totals
        var md = "## trailproof: " + (totals.exitStatus == 0 ? "VERIFIED" : "INTEGRITY PROBLEMS FOUND (\(totals.findings))") + "\n\n"
        md += Markup.markdown(HTMLReport.verdictSentence(report)) + "\n\n"
        md += "Source: " + Markup.markdown(report.scope.source) + "  \n"
        md += "Span verified: " + (totals.coveredSpan.map { Markup.markdown($0.text) } ?? "none") + "  \n"
        md += "Public keys from: " + Markup.markdown(report.scope.publicKeySources.joined(separator: "; ")) + "\n\n"
        md += "| Object | Verdict | Count |\n|---|---|---:|\n"
        for (verdict, count) in totals.digestsByVerdict.sorted(by: { $0.key < $1.key }) { md += "| digest | \(Markup.markdown(verdict)) | \(count) |\n" }
        for (verdict, count) in totals.logFilesByVerdict.sorted(by: { $0.key < $1.key }) { md += "| log file | \(Markup.markdown(verdict)) | \(count) |\n" }
        if totals.gaps > 0 { md += "| gap | no coverage | \(totals.gaps) |\n" }
        if totals.objectFindings > 0 { md += "| object | unexpected or mismatched | \(totals.objectFindings) |\n" }
        let rows = FindingRow.rows(of: report).filter { $0.severity != .notice }
        if !rows.isEmpty {
            md += "\n### Findings\n\n| Severity | Object | Verdict | Location | Detail |\n|---|---|---|---|---|\n"
            for row in rows.prefix(findingLimit) {
                md += "| \(row.severity.label) | \(row.object) | \(Markup.markdown(row.verdict)) | \(Markup.markdown(row.location ?? row.chain ?? "-")) | \(Markup.markdown(row.detail)) |\n"
            }
            if rows.count > findingLimit {
                md += "\n…and \(rows.count - findingLimit) more findings (see the JSON or HTML report).\n"
            }
        }
        md += "\n### Coverage\n\n"
        for chain in report.chains {
            let covered = chain.coverage.isEmpty ? "nothing verified" : chain.coverage.map(\.text).joined(separator: ", ")
            md += "- " + Markup.markdown(chain.id) + ": \(chain.validDigests)/\(chain.digests) digests valid, " + Markup.markdown(covered) + "\n"
        }
        return Array(md.utf8)
    }
}
