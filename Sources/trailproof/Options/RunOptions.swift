import FoundationEssentials
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

    @Flag(help: "Report gaps without failing: exit 0 when gaps are the only problem.")
    var allowGaps = false

    @Flag(help: "List every valid digest and log file in the JSON and NDJSON reports too (by default they are counted, and the reports list findings, so their size does not grow with the trail). --verbose implies it; an HTML or JUnit report lists the valid digests.")
    var listValid = false

    @OptionGroup var output: ReportOutput

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
        if let concurrency, !(1...VerificationOptions.maximumWorkers).contains(concurrency) {
            throw ValidationError("--concurrency must be from 1 to \(VerificationOptions.maximumWorkers)")
        }
    }

    /// Engine options for these flags; `workers` is --concurrency or `defaultWorkers`. Over S3
    /// (`remote`) batches go one at a time: each holds its transfers' buffers, and the listing's
    /// round trips are already spread over many transfers.
    func verificationOptions(defaultWorkers: Int, remote: Bool) -> VerificationOptions {
        var options = VerificationOptions()
        options.batchesInFlight = remote ? 1 : 2
        options.start = start.flatMap(UTCTime.init(parsing:))
        options.end = end.flatMap(UTCTime.init(parsing:))
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

    /// Verifies `store`, with a progress line on a terminal.
    func verify(_ store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions) throws -> VerificationReport {
        try verifyWithHeads(store, keys: keys, options: options).report
    }

    /// Verifies `store`, with a progress line on a terminal, and returns the chains' heads for a state file.
    /// With `consumer`, valid log files' content goes to it from verification's own read.
    /// With `printer`, what each batch finds is printed as soon as it is found.
    func verifyWithHeads(_ store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions,
                         consumer: (any VerifiedLogFileConsumer)? = nil, printer: PartPrinter? = nil) throws
        -> (report: VerificationReport, heads: [ObjectKey: TrailState.Head]) {
        let progress = ProgressLine(enabled: LocalFile.standardErrorIsTerminal)
        let onPart = printer.map { printer in
            { (part: VerificationReport) throws in
                progress.clear()
                try printer.print(part)
            }
        }
        let result = try TrailVerifier(store: store, keys: keys, options: options)
            .runWithHeads(consumer: consumer, progress: progress.report, onPart: onPart)
        progress.clear()
        return result
    }
}
