import ArgumentParser
import Foundation
import TrailproofKit
import TrailproofNative

/// `trailproof verify`: verifies a trail bucket in place in S3, or a local copy of one.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every digest chain and log file under ROOT (a directory or s3://BUCKET[/PREFIX]).",
        discussion: """
            ROOT is s3://BUCKET[/PREFIX], verified in place, or a directory laid out like the \
            bucket: it holds AWSLogs/ or the trail's key prefix. Every chain under it (accounts, \
            regions, trails, organization trails, backfill) is found and verified in one run.

            Public keys: --public-keys files; else, for a directory, the \
            trailproof-public-keys.json that `trailproof archive` writes into it; else, for S3, \
            CloudTrail's ListPublicKeys in each chain's own region.

            A digest's signature comes from, in order: its S3 metadata (x-amz-meta-signature) or \
            <key>.metadata.json beside it (the JSON of `aws s3api head-object`, or \
            {"signature": …}); the user.signature extended attribute; the \
            previousDigestSignature of the next digest in the chain; --head-signature.

            EXIT STATUS
              0  everything in scope verified
              1  an integrity problem: a digest or log file not valid, an unreferenced
                 log file, or a gap in coverage (unless --allow-gaps)
              2  usage or operational error (unreadable root, unusable key file,
                 no digests)
            """
    )

    @Argument(help: "s3://BUCKET[/PREFIX], or a directory holding a copy of the trail bucket.")
    var root: String

    @OptionGroup var aws: AWSOptions

    @Option(help: "Transfers in flight for S3 (default 32); threads hashing log files for a directory (default: one per core).")
    var concurrency: Int?

    @Option(name: .customLong("public-keys"), help: ArgumentHelp(
        "JSON printed by `aws cloudtrail list-public-keys` (repeatable).", valueName: "file"))
    var publicKeys: [String] = []

    @Option(help: "The bucket ROOT is a copy of (default: each chain's newest digest's bucket).")
    var bucket: String?

    @Option(name: .customLong("head-signature"), help: ArgumentHelp(
        "Hex signature of a chain's newest digest, from its S3 metadata (repeatable).", valueName: "hex"))
    var headSignatures: [String] = []

    @Option(help: ArgumentHelp("Only digests ending at or after TIME (UTC ISO 8601 or a date).", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Only digests ending at or before TIME + 1 h (UTC ISO 8601 or a date).", valueName: "time"))
    var end: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Report gaps without failing: exit 0 when gaps are the only problem.")
    var allowGaps = false

    @Flag(name: .shortAndLong, help: "Print a line for every digest and log file.")
    var verbose = false


    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
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
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        for signature in headSignatures where Hex.decode(signature)?.isEmpty ?? true {
            throw ValidationError("--head-signature \(signature.prefix(20))… is not hex")
        }
    }

    func run() throws {
        do {
            var options = VerificationOptions()
            options.bucket = bucket
            options.headSignatures = headSignatures
            options.start = start.flatMap(UTCTime.init(parsing:))
            options.end = end.flatMap(UTCTime.init(parsing:))
            options.allowGaps = allowGaps

            let store: ObjectStore
            var keys = try KeyFiles.load(publicKeys)
            if let location = S3Store.parse(url: root) {
                let http = try aws.client()
                let s3 = S3Store(bucket: location.bucket, prefix: location.prefix, client: S3Client(http: http))
                options.bucket = options.bucket ?? location.bucket
                options.workers = concurrency ?? 32
                if publicKeys.isEmpty {
                    let windows = PublicKeyFetch.windows(for: try s3.listKeys(), options: options)
                    keys = try PublicKeyFetch(api: CloudTrailPublicKeys(http: http)).fetch(windows)
                }
                store = s3
            } else {
                let directory = try DirectoryStore(root: root)
                if let concurrency { options.workers = concurrency }
                if publicKeys.isEmpty {
                    guard let archived = try ArchiveManifest.keys(in: directory) else {
                        throw ValidationError("no public keys: give --public-keys FILE (save them with `trailproof keys` or `aws cloudtrail list-public-keys … > keys.json`)")
                    }
                    keys = archived
                }
                if let manifest = try ArchiveManifest.read(in: directory) {
                    // An archive verifies by default over the window it was made for.
                    options.bucket = options.bucket ?? manifest.bucket
                    if options.start == nil && options.end == nil { (options.start, options.end) = (manifest.start, manifest.end) }
                }
                store = directory
            }
            let progress = ProgressLine(enabled: LocalFile.standardErrorIsTerminal)
            let report = try TrailVerifier(store: store, keys: keys, options: options).run(progress: progress.report)
            progress.finish()
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

/// Reads --public-keys files into one ring.
enum KeyFiles {
    static func load(_ files: [String]) throws -> PublicKeyRing {
        var keys = PublicKeyRing()
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = try LocalFile.readAll(file, limit: 64 << 20)
            } catch {
                throw KeyFileError(file: file, reason: .unreadable("\(error)"))
            }
            let parsed = try PublicKeyRing.parseListPublicKeys(bytes, name: file)
            guard !parsed.isEmpty else { throw KeyFileError(file: file, reason: .emptyPublicKeyList) }
            for key in parsed { keys.add(key) }
        }
        return keys
    }
}
