/// The human report of `verify-query-results`: a summary for stdout, one line per problem for stderr.
public struct QueryResultsTextReport: Sendable {
    /// Summary lines (stdout).
    public var summary: [String] = []
    /// Problem and notice lines (stderr), each starting with `trailproof: `.
    public var problems: [String] = []

    /// Renders `report`; with `verbose`, the summary also has a line for every file; inputs are
    /// named as `names` name them.
    public init(_ report: QueryResultsReport, verbose: Bool, names: InputNames = .plain) {
        let sign = report.signFile
        if sign.verdict != .valid {
            problems.append("trailproof: sign-file \(sign.verdict.rawValue): \(QueryResultsTextReport.url(sign.key, report)): \(sign.detail ?? "")")
        }
        for file in report.files where file.verdict != .valid {
            problems.append("trailproof: result-file \(file.verdict.rawValue): \(QueryResultsTextReport.url(file.key, report)): \(file.detail ?? "")")
        }
        if let folder = report.folder, folder.verdict == .dateMismatch {
            problems.append("trailproof: folder \(folder.verdict.rawValue): \(report.source): \(folder.detail ?? "")")
        }
        for notice in report.notices { problems.append("trailproof: note: \(notice.text(.plain))") }

        summary.append("Query results in \(report.source)")
        if let folder = report.folder {
            let date = folder.datePath.map { " of \($0)" } ?? ""
            let named = folder.queryIDNamed ? " (the query named by \(names.queryID))" : ""
            let check = folder.verdict == .dateMismatch ? ": its date is FAR FROM queryCompleteTime" : ""
            summary.append("Query \(folder.queryID)\(date)\(named)\(check)")
        }
        if let time = sign.queryCompleteTime, let region = sign.region {
            summary.append("Query completed \(time.iso8601), signed in \(region) with key \(sign.publicKeyFingerprint ?? "?")")
        }
        summary.append("")
        summary.append("Sign file: \(sign.verdict == .valid ? "valid" : sign.verdict.rawValue.uppercased())")
        let totals = report.totals
        summary.append(TextReport.ratioLine(valid: totals.valid, total: totals.listed, noun: "result files", failed: totals.listed - totals.valid,
                                            failedWord: "NOT VALID"))
        if let unlisted = totals.filesByVerdict[ResultFileVerdict.unlisted.rawValue], unlisted > 0 {
            summary.append("\(unlisted) files UNLISTED (in the folder, in no sign file)")
        }
        if !report.publicKeySources.isEmpty { summary.append("Public keys from: " + report.publicKeySources.joined(separator: "; ")) }
        if let authorities = report.authorities {
            summary.append("Endpoints: " + authorities.endpointsText)
            summary.append("Signed in as: " + authorities.identityText)
            if let warning = authorities.overrideWarning { summary.append(warning) }
        }
        summary.append(totals.exitStatus == 0 ? "Result: VERIFIED" : "Result: INTEGRITY PROBLEMS FOUND (\(totals.findings))")
        if verbose {
            summary.append("")
            for file in report.files { summary.append("result-file \(file.verdict.rawValue) \(QueryResultsTextReport.url(file.key, report))") }
        }
        summary = summary.map(TerminalText.escaped)
        problems = problems.map(TerminalText.escaped)
    }

    /// `s3://bucket/key` for an S3 source, the path for a directory.
    static func url(_ key: String, _ report: QueryResultsReport) -> String {
        if report.source.hasPrefix("s3://") {
            let bucket = report.source.dropFirst("s3://".count).prefix { $0 != "/" }
            return "s3://\(bucket)/\(key)"
        }
        return report.source + "/" + key
    }
}
