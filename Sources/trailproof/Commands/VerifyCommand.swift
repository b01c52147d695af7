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

    @OptionGroup var common: RunOptions

    @Option(help: "The bucket ROOT is a copy of (default: each chain's newest digest's bucket).")
    var bucket: String?

    @Option(name: .customLong("head-signature"), help: ArgumentHelp(
        "Hex signature of a chain's newest digest, from its S3 metadata (repeatable).", valueName: "hex"))
    var headSignatures: [String] = []

    func validate() throws {
        for signature in headSignatures where Hex.decode(signature)?.isEmpty ?? true {
            throw ValidationError("--head-signature \(signature.prefix(20))… is not hex")
        }
    }

    func run() throws {
        try Output.mappingOperationalErrors {
            let s3Location = S3Store.parse(url: root)
            var options = common.verificationOptions(defaultWorkers: s3Location != nil ? 32 : VerificationOptions.defaultWorkers)
            options.bucket = bucket
            options.headSignatures = headSignatures

            let store: ObjectStore
            var keys = try KeyFiles.load(common.publicKeys)
            if let location = s3Location {
                let http = try aws.client()
                let s3 = S3Store(bucket: location.bucket, prefix: location.prefix, client: S3Client(http: http),
                                 listFrom: options.start?.adding(seconds: -S3Store.listingMargin))
                options.bucket = options.bucket ?? location.bucket
                if common.publicKeys.isEmpty {
                    let windows = PublicKeyFetch.windows(for: try s3.listKeys(), options: options)
                    keys = try PublicKeyFetch(api: CloudTrailPublicKeys(http: http)).fetch(windows)
                }
                store = s3
            } else {
                let directory = try DirectoryStore(root: root)
                if common.publicKeys.isEmpty {
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
            try common.finish(with: try common.verify(store, keys: keys, options: options))
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
