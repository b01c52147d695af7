import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

/// `trailproof records`: verifies like `verify`, then hands the records of the log files it proved
/// onward, and only those.
struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Verify, then write the records of every valid log file as NDJSON (and only those).",
        discussion: """
            Same sources, keys, windows and findings as `trailproof verify`: findings go to \
            standard error, the summary too (records take standard output by default), and the \
            exit status is verify's (a valid log file whose records cannot be released is a \
            finding too). A record is released only if its log file's verdict is valid: records \
            leave from verification's own read of the file, once its SHA-256 has matched its \
            signed digest in full. Each line is the \
            record's exact bytes from the log file plus, unless --provenance none, a last member \
            "trailproof" saying where it was proven (docs/records.md). Order: chain, log file \
            time, position in the file. A record whose eventID was seen within --dedupe-hours \
            of its eventTime is dropped and counted.

            EXIT STATUS
              0  everything in scope verified and released
              1  an integrity problem (records of the files concerned are withheld)
              2  usage or operational error
            """
    )

    @OptionGroup var inputs: VerifyInputs

    @Option(name: .customLong("out"), help: ArgumentHelp(
        "Where records go (repeatable): - (standard output, the default); a file, gzip'd when it ends in .gz; s3://BUCKET/PREFIX/ (Hive-style partitions); http(s)://URL (NDJSON batches); clickhouse://HOST:PORT/DATABASE.TABLE.",
        valueName: "sink"))
    var outputs: [String] = []

    @Option(name: .customLong("header"), help: ArgumentHelp("A header for http(s) sinks, 'Name: value' (repeatable).", valueName: "header"))
    var headers: [String] = []

    @Flag(name: .customLong("create-table"), help: "Create the clickhouse:// sink's table if it does not exist.")
    var createTable = false

    @Flag(help: "Keep running: poll for new digests and release the records they prove (needs --state); SIGINT or SIGTERM finishes the round, saves the state and exits.")
    var follow = false

    @Option(help: ArgumentHelp("Seconds between polls in --follow mode.", valueName: "seconds"))
    var poll = 60

    @Option(name: .customLong("match"), help: ArgumentHelp(
        "Only records whose field at a dotted PATH matches GLOB (* and ?); different paths AND, the same path repeated OR (repeatable).",
        valueName: "path=glob"))
    var matches: [String] = []

    @Option(help: "full: add the \"trailproof\" member to each record; none: the record's bytes alone.")
    var provenance: Provenance = .full

    @Option(name: .customLong("dedupe-hours"), help: ArgumentHelp(
        "Drop a record whose eventID was seen within this many hours of its eventTime (0 keeps duplicates).", valueName: "hours"))
    var dedupeHours = 24

    /// Whether records carry where they were proven.
    enum Provenance: String, ExpressibleByArgument, CaseIterable { case full, none }

    func validate() throws {
        var filter = RecordFilter()
        for match in matches where !filter.add(match) {
            throw ValidationError("--match \(match) is not PATH=GLOB, e.g. eventSource=s3.amazonaws.com or userIdentity.arn=*:role/admin*")
        }
        if outputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("--out - can be given once") }
        for output in outputs {
            if output.hasPrefix("s3://") {
                guard S3Store.parse(url: output) != nil, output.hasSuffix("/") else {
                    throw ValidationError("--out \(output): an S3 sink is s3://BUCKET/PREFIX/ (ending in /)")
                }
            } else if output.hasPrefix("clickhouse://") {
                guard ClickHouseRecordSink.parse(output) != nil else { throw ValidationError("--out \(output) is not clickhouse://HOST:PORT/DATABASE.TABLE") }
            } else if output.contains("://") && !output.hasPrefix("http://") && !output.hasPrefix("https://") {
                throw ValidationError("--out \(output): sinks are -, a file, s3://, http(s):// or clickhouse://")
            }
        }
        for header in headers where !header.contains(":") { throw ValidationError("--header \(header) is not 'Name: value'") }
        let recordsToStandardOutput = outputs.isEmpty || outputs.contains("-")
        if recordsToStandardOutput && inputs.common.output.reportRequests.contains(where: { $0.destination == .standardOutput }) {
            throw ValidationError("records go to standard output: write --report to a file or s3:// instead of -")
        }
        if follow && inputs.state == nil { throw ValidationError("--follow needs --state FILE: it is how each round knows where the last one stopped") }
        if !(1...86_400).contains(poll) { throw ValidationError("--poll must be from 1 to 86400 seconds") }
        if !(0...8760).contains(dedupeHours) { throw ValidationError("--dedupe-hours must be from 0 to 8760") }
    }

    func run() throws {
        try Output.mappingOperationalErrors {
            let signals = follow ? TerminationSignals() : nil
            var held: StateFile?
            var worst = 0
            while true {
                let (status, stateFile) = try releaseOnce(holding: held)
                held = stateFile
                worst = max(worst, status)
                guard follow, let signals, !signals.wait(seconds: Double(poll)) else { break }
            }
            if worst != 0 { throw ExitCode(Int32(worst)) }
        }
    }

    /// One round: verify (after the state's heads), release, and, once every sink has
    /// acknowledged, save the state. Returns the round's exit status.
    private func releaseOnce(holding held: StateFile?) throws -> (status: Int, stateFile: StateFile?) {
        let startedAt = UTCTime.now
        let (plan, stateFile) = try inputs.plan(holding: held)
        var options = RecordRelease.Options()
        options.provenance = provenance == .full
        options.dedupeWindow = Int64(dedupeHours) * 3600
        options.recentEventIDs = stateFile?.state.recentEventIDs ?? [:]
        options.releasedThrough = stateFile?.state.releasedThrough ?? [:]
        options.releasedPastMark = stateFile?.state.releasedPastMark ?? [:]
        for match in matches { options.filter.add(match) }
        let sinks = try (outputs.isEmpty ? ["-"] : outputs).map { try sink($0, state: stateFile?.state) }
        // Records leave from verification's own read of each log file, once its hash has matched.
        let release = RecordRelease(options: options, sink: RecordSinks(sinks), verifiedAt: startedAt)
        let outcome = try inputs.common.run(plan, consumer: release)
        let (report, heads, days) = (outcome.report, outcome.heads, outcome.days)
        let summary = try release.finish(report: report, heads: stateFile.map { _ in heads })
        if let stateFile {
            // Every sink has acknowledged: only now does the state move on.
            var next = stateFile.state
            next.heads = heads
            next.days = days
            next.recentEventIDs = release.recentEventIDs()
            next.releasedThrough = summary.releasedThrough
            next.releasedPastMark = summary.releasedPastMark
            for (output, sink) in zip(outputs, sinks) {
                if let file = sink as? FileRecordSink, let bytes = file.acknowledgedBytes { next.sinkOffsets[output] = bytes }
            }
            try stateFile.save(next)
        }

        // Records own standard output: verify's summary and findings go to standard error.
        let text = TextReport(report, verbose: false)
        Output.writeStandardError(text.problems)
        var lines = follow ? [] : text.summary
        lines.append("Records: \(summary.released) released from \(CountText.of(summary.logFilesReleased, "log file")), \(CountText.of(summary.duplicates, "duplicate")) dropped, \(summary.filteredOut) not matching --match")
        let withheld = summary.withheldLogFilesByVerdict.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        if !withheld.isEmpty { lines.append("Withheld log files: " + withheld.joined(separator: ", ")) }
        for file in summary.unreleasable {
            lines.append("trailproof: log-file unreleasable: \(file.key): valid, but its records were withheld: \(file.reason)")
        }
        Output.writeStandardError(lines.map(TerminalText.escaped))
        if !inputs.common.output.reports.isEmpty {
            try inputs.common.output.finishReports(report, startedAt: startedAt, s3: { [aws = inputs.aws] in S3Client(http: try aws.client()) })
        }
        return (max(report.totals.exitStatus, summary.unreleasable.isEmpty ? 0 : 1), stateFile)
    }
}

extension RecordsCommand {
    /// The sink `--out` names.
    func sink(_ output: String, state: TrailState?) throws -> RecordSink {
        if let location = S3Store.parse(url: output) {
            return S3LakeRecordSink(client: S3Client(http: try inputs.aws.client()), bucket: location.bucket, prefix: location.prefix)
        }
        if output.hasPrefix("clickhouse://") { return try ClickHouseRecordSink(url: output, createTable: createTable) }
        if output.hasPrefix("http://") || output.hasPrefix("https://") {
            let parsed = headers.map { header -> (name: String, value: String) in
                let colon = header.firstIndex(of: ":") ?? header.endIndex
                return (trimmingBlanks(header[..<colon]), trimmingBlanks(header[colon...].dropFirst()))
            }
            return try HTTPRecordSink(url: output, headers: parsed)
        }
        // With a state file, a file sink is appended to, cut back first to what the state acknowledged.
        return try FileRecordSink(path: output, appendingAfter: state.map { $0.sinkOffsets[output] })
    }
}

/// Several sinks as one: each record goes to every sink, in order.
final class RecordSinks: RecordSink {
    private let sinks: [RecordSink]
    init(_ sinks: [RecordSink]) { self.sinks = sinks }
    func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws {
        for sink in sinks { try sink.write(record, source: source) }
    }
    func finishLogFile(_ source: ReleasedLogFile) throws { for sink in sinks { try sink.finishLogFile(source) } }
    func close() throws { for sink in sinks { try sink.close() } }
}

/// `text` without the spaces and tabs (blanks, not line breaks) at either end.
private func trimmingBlanks(_ text: Substring) -> String {
    let blank = { (character: Character) in character.isWhitespace && !character.isNewline }
    var text = text
    while let first = text.first, blank(first) { text.removeFirst() }
    while let last = text.last, blank(last) { text.removeLast() }
    return String(text)
}
