import ArgumentParser
import Foundation
import TrailproofKit
import TrailproofNative

/// `trailproof archive`: copies a trail from S3 to disk, verifying as it copies, so the copy
/// verifies offline for years with no other input.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Copy a trail from S3 to a directory, verifying as it copies.",
        discussion: """
            Copies every digest and log file in scope in the bucket's layout, saves each \\
            digest's signature as <key>.metadata.json, and writes the public keys \\
            (trailproof-public-keys.json) and the bucket and window (trailproof-archive.json) \\
            into OUT, so that `trailproof verify OUT` passes offline with no other input. Run \\
            again after an interruption, it reuses what it already copied. Exit status as for \\
            `trailproof verify`.
            """
    )

    @Argument(help: "s3://BUCKET[/PREFIX] to copy.")
    var source: String

    @Option(help: ArgumentHelp("Directory to copy into (it becomes the copy's bucket root).", valueName: "dir"))
    var out: String

    @OptionGroup var aws: AWSOptions

    @Option(name: .customLong("public-keys"), help: ArgumentHelp(
        "Key files to use instead of ListPublicKeys (repeatable).", valueName: "file"))
    var publicKeys: [String] = []

    @Option(help: ArgumentHelp("Only digests ending at or after TIME.", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Only digests ending at or before TIME + 1 h.", valueName: "time"))
    var end: String?

    @Option(help: "Transfers in flight (default 32).")
    var concurrency: Int?

    @Option(help: "Output format: text or json.")
    var format: VerifyCommand.OutputFormat = .text

    @Flag(help: "Report gaps without failing.")
    var allowGaps = false

    @Flag(name: .shortAndLong, help: "Print a line for every digest and log file.")
    var verbose = false

    func validate() throws {
        guard S3Store.parse(url: source) != nil else { throw ValidationError("\(source) is not s3://BUCKET[/PREFIX]") }
        for (name, value) in [("--start", start), ("--end", end)] {
            if let value, UTCTime(parsing: value) == nil { throw ValidationError("\(name) \(value) is not a UTC time") }
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() throws {
        do {
            guard let location = S3Store.parse(url: source) else { throw ValidationError("\(source) is not s3://BUCKET[/PREFIX]") }
            var options = VerificationOptions()
            options.bucket = location.bucket
            options.start = start.flatMap(UTCTime.init(parsing:))
            options.end = end.flatMap(UTCTime.init(parsing:))
            options.allowGaps = allowGaps
            options.workers = concurrency ?? 32

            let http = try aws.client()
            let s3 = S3Store(bucket: location.bucket, prefix: location.prefix, client: S3Client(http: http))
            var keys = try KeyFiles.load(publicKeys)
            if publicKeys.isEmpty {
                let windows = PublicKeyFetch.windows(for: try s3.listKeys(), options: options)
                keys = try PublicKeyFetch(api: CloudTrailPublicKeys(http: http)).fetch(windows)
            }
            let archive = try ArchivingStore(source: s3, directory: out)
            try LocalFile.write(try keys.listPublicKeysJSON(), to: out + "/" + ArchiveManifest.keysFileName)

            let progress = ProgressLine(enabled: LocalFile.standardErrorIsTerminal)
            let report = try TrailVerifier(store: archive, keys: keys, options: options).run(progress: progress.report)
            progress.finish()
            // Keep the evidence of what no digest vouches for, too.
            for record in report.logFiles where record.digest == nil { try archive.copy(record.key) }
            try ArchiveManifest(bucket: location.bucket, prefix: location.prefix, start: options.start, end: options.end,
                                createdAt: UTCTime.now).write(into: out)

            let stats = archive.statistics
            Output.writeStandardError(["trailproof: archived \(stats.fetched) objects (\(stats.bytes / 1_000_000) MB) into \(out), \(stats.reused) already there"])
            try Output.write(report, format: format, verbose: verbose)
            if report.totals.exitStatus != 0 { throw ExitCode(Int32(report.totals.exitStatus)) }
        } catch let exit as ExitCode {
            throw exit
        } catch let usage as ValidationError {
            throw usage
        } catch {
            Output.error("\(error)")
            throw ExitCode(2)
        }
    }
}
