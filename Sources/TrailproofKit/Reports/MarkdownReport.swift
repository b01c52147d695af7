/// A short Markdown summary for CI job pages (`$GITHUB_STEP_SUMMARY`, merge request notes):
/// verdict, counts, the first findings, coverage per chain. Every name, location and detail is
/// a code span (`Markup.markdownCode`): a key that looks like a URL, an address or markup shows
/// as the text it is and never becomes a link.
public enum MarkdownReport {
    /// Findings shown in the table; a line says how many more there are.
    public static let findingLimit = 50

    /// Renders `report`. The findings table follows `FindingRow`'s order, so when it is cut at
    /// `findingLimit` rows, tampering, missing objects and gaps come before planted ones: an
    /// attacker cannot push a gap out of view by planting objects.
    public static func render(_ report: VerificationReport) -> [UInt8] {
        let totals = report.totals
        let verdict = Verdict(report)
        var md = "## trailproof: " + verdict.headlineText + (verdict.detailText.isEmpty ? "" : ": " + Markup.markdown(verdict.detailText)) + "\n\n"
        md += Markup.markdown(verdict.sentence(coveredSpan: totals.coveredSpan)) + "\n\n"
        md += "Source: " + Markup.markdownCode(report.scope.source, inTable: false) + "  \n"
        md += "Window: " + Markup.markdown(report.windowText) + "  \n"
        md += "Span verified" + (report.chains.count > 1 ? " (in every chain)" : "") + ": " + Markup.markdown(verdict.counts.verifiedInEveryChainText) + "  \n"
        md += "Digest files: " + Markup.markdown(verdict.counts.digests.line(noun: "digest files")) + "  \n"
        md += "Log files: " + Markup.markdown(verdict.counts.logFiles.line()) + "  \n"
        md += "Public keys from: " + Markup.markdownCode(report.scope.publicKeySources.joined(separator: "; "), inTable: false) + "\n\n"
        if let authorities = report.scope.authorities {
            md += "Endpoints: " + Markup.markdownCode(authorities.endpointsText, inTable: false) + "  \n"
            md += "Signed in as: " + Markup.markdownCode(authorities.identityText, inTable: false) + "\n\n"
            if let warning = authorities.overrideWarning { md += "**" + Markup.markdown(warning) + "**\n\n" }
        }
        md += "| Object | Verdict | Count |\n|---|---|---:|\n"
        for (verdict, count) in totals.digestsByVerdict.sorted(by: { $0.key < $1.key }) { md += "| digest | \(Markup.markdownWord(verdict)) | \(count) |\n" }
        for (verdict, count) in totals.logFilesByVerdict.sorted(by: { $0.key < $1.key }) { md += "| log file | \(Markup.markdownWord(verdict)) | \(count) |\n" }
        if totals.gaps > 0 { md += "| gap | no coverage | \(totals.gaps) |\n" }
        if totals.objectFindings > 0 { md += "| object | unexpected or mismatched | \(totals.objectFindings) |\n" }
        let rows = FindingRow.rows(of: report).filter { $0.severity != .notice }
        if !rows.isEmpty {
            md += "\n### Findings\n\n| Severity | Object | Verdict | Location | Detail |\n|---|---|---|---|---|\n"
            for row in rows.prefix(findingLimit) {
                md += "| \(row.severity.label) | \(row.object) | \(Markup.markdownWord(row.verdict)) | "
                md += Markup.markdownCode(row.location ?? row.chain ?? "-", inTable: true) + " | " + Markup.markdownCode(row.detail, inTable: true) + " |\n"
            }
            if rows.count > findingLimit {
                let left = rows.dropFirst(findingLimit)
                let kinds = FindingRow.Severity.allCases.compactMap { severity -> String? in
                    let count = left.filter { $0.severity == severity }.count
                    return count == 0 ? nil : "\(count) \(severity.label)"
                }
                md += "\n…and \(left.count) more findings (\(kinds.joined(separator: ", "))): see the JSON or HTML report.\n"
            }
        }
        md += "\n### Coverage\n\n"
        for chain in verdict.counts.chains {
            md += "- " + Markup.markdownCode(chain.chain, inTable: false) + ": " + Markup.markdown(chain.line) + "\n"
        }
        return Array(md.utf8)
    }
}
