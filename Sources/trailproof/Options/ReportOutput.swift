import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

/// How a report is printed and where else it is written: --format, --report, --verbose
/// (`verify`, `archive`, `merge`).
struct ReportOutput: ParsableArguments {
    @Option(help: "Output format: text, json (one document) or ndjson (one object a line: findings, chains, totals last).")
    var format: Format = .text

    @Option(name: .customLong("report"), help: ArgumentHelp(
        "Also write a report: FORMAT=PATH, FORMAT json, ndjson, html, junit or markdown, PATH a file, - (standard output, instead of --format's) or s3://BUCKET/KEY (repeatable). markdown=+FILE appends to FILE instead of replacing it (for GitHub's $GITHUB_STEP_SUMMARY).",
        valueName: "format=path"))
    var reports: [String] = []

    @Flag(name: .shortAndLong, help: "Print a line for every digest and log file.")
    var verbose = false

    /// What --format prints.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, ndjson
    }

    func validate() throws {
        for report in reports where ReportRequest(report) == nil && report.contains("=\(ReportRequest.appendMarker)") {
            throw ValidationError("--report \(report): only markdown=+FILE appends (to a local file); other formats and destinations are written whole")
        }
        for report in reports where ReportRequest(report) == nil {
            throw ValidationError("--report \(report) is not FORMAT=PATH with FORMAT one of \(ReportRequest.Format.allCases.map(\.rawValue).joined(separator: ", ")) and PATH a file, - or s3://BUCKET/KEY")
        }
        if reportRequests.filter({ $0.destination == .standardOutput }).count > 1 {
            throw ValidationError("only one --report can go to standard output (-)")
        }
    }

    /// The parsed --report options.
    var reportRequests: [ReportRequest] { reports.compactMap(ReportRequest.init) }

    /// A printer for what each batch of a run finds, as it is found.
    func partPrinter() -> PartPrinter {
        PartPrinter(ndjson: format == .ndjson && !reportRequests.contains { $0.destination == .standardOutput })
    }

    /// Prints `report` in the chosen format, writes every --report from the same report, and ends
    /// with its exit status. A --report to `-` takes standard output's place. `streamed`: a
    /// `partPrinter()` already printed the run's parts.
    func finish(with report: VerificationReport, startedAt: UTCTime, streamed: Bool = false,
                s3: @escaping () throws -> S3Client) throws {
        // Every format words the report's inputs as the command line names them (a merged
        // report, read back, names them in the library's words until here).
        var report = report
        report.inputNames = .commandLine
        let requests = reportRequests
        let toStandardOutput = requests.contains { $0.destination == .standardOutput }
        // The JSON report is encoded once, for standard output and every --report alike.
        let set = requests.isEmpty ? nil : try ReportSet(report)
        try Output.write(report, format: format, verbose: verbose, summaryToStandardOutput: !toStandardOutput, streamed: streamed,
                         json: set?.json)
        try finishReports(report, startedAt: startedAt, s3: s3, set: set)
        if report.totals.exitStatus != 0 { throw ExitCode(Int32(report.totals.exitStatus)) }
    }

    /// Writes every --report of this run, all from `report` (from `set`, its reports, when given).
    func finishReports(_ report: VerificationReport, startedAt: UTCTime, s3: @escaping () throws -> S3Client,
                       set: ReportSet? = nil) throws {
        let requests = reportRequests
        guard !requests.isEmpty else { return }
        let set = try set ?? ReportSet(report)
        let jsonPath = requests.first { $0.format == .json }?.pathText
        let run = RunRecord(commandLine: CommandLine.arguments, startedAt: startedAt, endedAt: .now,
                            host: ProcessInfo.processInfo.hostName, jsonReportSHA256: set.jsonSHA256, jsonReportPath: jsonPath)
        try set.write(requests, run: run, standardOutput: { try StandardStream.output.write($0) }, s3: s3)
    }
}
