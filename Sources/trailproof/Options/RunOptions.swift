import FoundationEssentials
import ArgumentParser
import TrailproofKit
import TrailproofNative

/// The options `verify` and `archive` share: scope, policy, output and parallelism.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("public-keys"), help: ArgumentHelp(
        "JSON printed by `aws cloudtrail list-public-keys` or `trailproof keys` (repeatable).", valueName: "file"))
    var publicKeys: [String] = []

    @Option(help: ArgumentHelp("Only digests ending at or after TIME: ISO 8601 (no zone means UTC), a date (its first second) or epoch seconds.", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Only digests ending at or before TIME + 1 h: ISO 8601 (no zone means UTC), a date (the END of that day: through 23:59:59, so the day is included) or epoch seconds.", valueName: "time"))
    var end: String?

    @Option(help: "Transfers in flight for S3 (default \(VerificationOptions.defaultS3Transfers)); threads hashing log files for a directory (default: one per core). At most 256.")
    var concurrency: Int?

    @Flag(help: "Report gaps without failing: exit 0 when gaps are the only problem.")
    var allowGaps = false

    @Flag(help: "List every valid digest and log file in the JSON and NDJSON reports too (by default they are counted, and the reports list findings, so their size does not grow with the trail). --verbose implies it; an HTML or JUnit report lists the valid digests.")
    var listValid = false

    @OptionGroup var output: ReportOutput

    func validate() throws {
        let window = try Self.window(start: start, end: end)
        if let start = window.start, let end = window.end, end < start {
            throw ValidationError("--end is before --start (\(end.iso8601), \(start.iso8601))")
        }
        if let concurrency, !(1...VerificationOptions.maximumWorkers).contains(concurrency) {
            throw ValidationError("--concurrency must be from 1 to \(VerificationOptions.maximumWorkers)")
        }
    }

    /// --start and --end as times (see `TimeArgument`): a bare date in --end is the end of that day.
    static func window(start: String?, end: String?) throws -> (start: UTCTime?, end: UTCTime?) {
        (try start.map { try timeOption("--start", $0, bareDate: .startOfDay) },
         try end.map { try timeOption("--end", $0, bareDate: .endOfDay) })
    }

    /// The time `text` given to `option`, or a usage error that names the option and the forms accepted.
    static func timeOption(_ option: String, _ text: String, bareDate: TimeArgument.BareDate) throws -> UTCTime {
        switch TimeArgument.parse(text, bareDate: bareDate) {
        case .success(let time): return time
        case .failure(let refusal): throw ValidationError("\(option) \(String(reflecting: String(text.prefix(64)))) \(refusal)")
        }
    }

    /// Engine options for these flags; `workers` is --concurrency or `defaultWorkers`. Over S3
    /// (`remote`) batches go one at a time: each holds its transfers' buffers, and the listing's
    /// round trips are already spread over many transfers.
    func verificationOptions(defaultWorkers: Int, remote: Bool) -> VerificationOptions {
        var options = VerificationOptions()
        options.batchesInFlight = remote ? 1 : 2
        options.allowGaps = allowGaps
        options.workers = concurrency ?? defaultWorkers
        options.listsValidLogFiles = listValid || output.verbose
        // The HTML timeline and the JUnit test cases are drawn digest by digest.
        options.listsValidDigests = options.listsValidLogFiles || output.reportRequests.contains { [.html, .junit].contains($0.format) }
        let environment = ProcessInfo.processInfo.environment
        if let limit = environment["TRAILPROOF_BATCH_OBJECTS"].flatMap(Int.init), limit > 0 {
            options.batchObjectLimit = limit
        }
        // Lower (for tests) the size a log file may have before it is `unreadable`.
        if let limit = environment["TRAILPROOF_LOG_FILE_MAX_BYTES"].flatMap(Int.init), limit > 0 {
            options.logFileUncompressedLimit = limit
        }
        if let limit = environment["TRAILPROOF_LOG_FILE_MAX_COMPRESSED_BYTES"].flatMap(Int.init), limit > 0 {
            options.logFileCompressedLimit = limit
        }
        return options
    }

    /// The window --start and --end give (checked by `validate`; a bare --end date is the end of its day).
    var window: (start: UTCTime?, end: UTCTime?) {
        (try? Self.window(start: start, end: end)) ?? (nil, nil)
    }

    /// Runs `plan` (with its recheck, when it has one), with a progress line on a terminal.
    /// With `consumer`, valid log files' content goes to it from verification's own read.
    /// With `printer`, what each batch finds is printed as soon as it is found.
    func run(_ plan: RunPlan, consumer: (any VerifiedLogFileConsumer)? = nil, printer: PartPrinter? = nil) throws -> RunOutcome {
        let progress = ProgressLine(enabled: LocalFile.standardErrorIsTerminal)
        printer?.beforePrinting = { progress.clear() }
        let outcome = try plan.run(consumer: consumer, progress: progress.report, parts: printer.map { [$0] } ?? [])
        progress.clear()
        return outcome
    }
}
