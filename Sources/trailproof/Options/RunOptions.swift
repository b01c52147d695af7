import Foundation
import ArgumentParser
import TrailproofKit
import TrailproofNative

/// The options `verify` and `archive` share: scope, policy, output and parallelism.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("public-keys"), help: ArgumentHelp(
        "JSON printed by `aws cloudtrail list-public-keys` or `trailproof keys` (repeatable).", valueName: "file"))
    var publicKeys: [String] = []

    @Option(help: ArgumentHelp("Only digests ending at or after TIME (UTC ISO 8601 or a date).", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Only digests ending at or before TIME + 1 h (UTC ISO 8601 or a date).", valueName: "time"))
    var end: String?

    @Option(help: "Transfers in flight for S3 (default 32); threads hashing log files for a directory (default: one per core). At most 256.")
    var concurrency: Int?

    @Option(help: "Output format: text, json (one document) or ndjson (one object a line: findings, chains, totals last).")
    var format: OutputFormat = .text

    @Option(name: .customLong("report"), help: ArgumentHelp(
        "Also write a report: FORMAT=PATH, FORMAT json, ndjson, html, junit or markdown, PATH a file, - (standard output, instead of --format's) or s3://BUCKET/KEY (repeatable).",
        valueName: "format=path"))
    var reports: [String] = []

    @Flag(help: "Report gaps without failing: exit 0 when gaps are the only problem.")
    var allowGaps = false

    @Flag(name: .shortAndLong, help: "Print a line for every digest and log file.")
    var verbose = false

    /// Report formats.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, ndjson
    }

    func validate() throws {
        if let start, UTCTime(parsing: start) == nil {
            throw ValidationError("--start \(start) is not a UTC time like 2026-01-08T05:21:42Z or 2026-01-08")
        }
        if let end, UTCTime(parsing: end) == nil {
            throw ValidationError("--end \(end) is not a UTC time like 2026-01-08T05:21:42Z or 2026-01-08")
        }
        if let start = start.flatMap(UTCTime.init(parsing:)), let end = end.flatMap(UTCTime.init(parsing:)), end < start {
            throw ValidationError("--end is before --start")
        }
        for report in reports where ReportRequest(report) == nil {
            throw ValidationError("--report \(report) is not FORMAT=PATH with FORMAT one of \(ReportRequest.Format.allCases.map(\.rawValue).joined(separator: ", ")) and PATH a file, - or s3://BUCKET/KEY")
        }
        if reportRequests.filter({ $0.destination == .standardOutput }).count > 1 {
            throw ValidationError("only one --report can go to standard output (-)")
        }
        if let concurrency, !(1...VerificationOptions.maximumWorkers).contains(concurrency) {
            throw ValidationError("--concurrency must be from 1 to \(VerificationOptions.maximumWorkers)")
        }
    }

    /// Engine options for these flags; `workers` is --concurrency or `defaultWorkers`.
    func verificationOptions(defaultWorkers: Int) -> VerificationOptions {
        var options = VerificationOptions()
        options.start = start.flatMap(UTCTime.init(parsing:))
        options.end = end.flatMap(UTCTime.init(parsing:))
        options.allowGaps = allowGaps
        options.workers = concurrency ?? defaultWorkers
        return options
    }

    /// Verifies `store`, with a progress line on a terminal.
    func verify(_ store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions) throws -> VerificationReport {
        try verifyWithHeads(store, keys: keys, options: options).report
    }

    /// Verifies `store`, with a progress line on a terminal, and returns the chains' heads for a state file.
    /// With `consumer`, valid log files' content goes to it from verification's own read.
    func verifyWithHeads(_ store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions,
                         consumer: (any VerifiedLogFileConsumer)? = nil) throws
        -> (report: VerificationReport, heads: [String: TrailState.Head]) {
        let progress = ProgressLine(enabled: LocalFile.standardErrorIsTerminal)
        let result = try TrailVerifier(store: store, keys: keys, options: options).runWithHeads(consumer: consumer, progress: progress.report)
        progress.finish()
        return result
    }

    /// The parsed --report options.
    var reportRequests: [ReportRequest] { reports.compactMap(ReportRequest.init) }

    /// Prints `report` in the chosen format, writes every --report from the same report, and ends
    /// with its exit status. A --report to `-` takes standard output's place.
    func finish(with report: VerificationReport, startedAt: UTCTime, s3: @escaping () throws -> S3Client) throws {
        let requests = reportRequests
        let toStandardOutput = requests.contains { $0.destination == .standardOutput }
        try Output.write(report, format: format, verbose: verbose, summaryToStandardOutput: !toStandardOutput)
        try finishReports(report, startedAt: startedAt, s3: s3)
        if report.totals.exitStatus != 0 { throw ExitCode(Int32(report.totals.exitStatus)) }
    }

    /// Writes every --report of this run, all from `report`.
    func finishReports(_ report: VerificationReport, startedAt: UTCTime, s3: @escaping () throws -> S3Client) throws {
        let requests = reportRequests
        guard !requests.isEmpty else { return }
        let set = try ReportSet(report)
        let jsonPath = requests.first { $0.format == .json }?.pathText
        let run = RunRecord(commandLine: CommandLine.arguments, startedAt: startedAt, endedAt: .now,
                            host: ProcessInfo.processInfo.hostName, jsonReportSHA256: set.jsonSHA256, jsonReportPath: jsonPath)
        try set.write(requests, run: run, standardOutput: { FileHandle.standardOutput.write(Data($0)) }, s3: s3)
    }
}
