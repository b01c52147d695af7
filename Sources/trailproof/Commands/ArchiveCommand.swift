import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

/// `trailproof archive`: copies a trail from S3 to disk, verifying as it copies, so the copy
/// verifies offline for years with no other input.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Copy a trail from S3 to a directory, verifying as it copies.",
        discussion: """
            Copies every digest and log file in scope in the bucket's layout, saves each \
            digest's signature as <key>.metadata.json, and writes the public keys \
            (trailproof-public-keys.json) and the bucket and window (trailproof-archive.json) \
            into OUT, so that `trailproof verify OUT --keys-from-archive` (or with --public-keys) passes offline. Run \
            again after an interruption, it reuses what it already copied. Exit status as for \
            `trailproof verify`.
            """
    )

    @Argument(help: "s3://BUCKET[/PREFIX] to copy (default with --trail-arn: the trail's own bucket and prefix).")
    var source: String?

    @Option(help: ArgumentHelp("Directory to copy into (it becomes the copy's bucket root).", valueName: "dir"))
    var out: String

    @OptionGroup var aws: AWSOptions

    @OptionGroup var trail: TrailOptions

    @OptionGroup var common: RunOptions

    func validate() throws {
        if let source {
            guard S3Store.parse(url: source) != nil else { throw ValidationError("\(source) is not s3://BUCKET[/PREFIX]") }
        } else if trail.trailARN == nil {
            throw ValidationError("give SOURCE (s3://BUCKET[/PREFIX]) or --trail-arn")
        }
    }

    func run() throws {
        let startedAt = UTCTime.now
        try Output.mappingOperationalErrors {
            let selection = try trail.selection(http: try aws.client())
            let source = self.source ?? selection?.trail.url ?? ""
            guard let location = S3Store.parse(url: source) else { throw ValidationError("\(source) is not s3://BUCKET[/PREFIX]") }
            var request = RunRequest(source: .s3(bucket: location.bucket, prefix: location.prefix),
                                     policy: common.verificationOptions(defaultWorkers: VerificationOptions.defaultS3Transfers, remote: true))
            request.publicKeyFiles = common.publicKeys
            (request.start, request.end) = common.window
            request.trailSelection = selection
            request.inputNames = .commandLine
            let plan = try RunPlan.resolve(request, services: try aws.services())
            let (options, scope) = (plan.policy, plan.scope)
            let archive = try ArchivingStore(source: plan.store, directory: out)
            // Resuming is only for the same source: never mix two buckets in one copy.
            if let existing = try ArchiveManifest.read(in: DirectoryStore(root: out)),
               !existing.bucket.sameBytes(as: location.bucket) || !existing.prefix.sameBytes(as: location.prefix) {
                throw ValidationError("\(out) holds a copy of s3://\(existing.bucket)/\(existing.prefix), not of \(source): choose another --out")
            }
            // Marked incomplete until the copy has ended: an archive that stops part way (a fault,
            // a kill) never verifies as complete.
            var manifest = ArchiveManifest(bucket: location.bucket, prefix: location.prefix, start: scope.start, end: scope.end,
                                           createdAt: UTCTime.now)
            try manifest.write(into: out)
            try LocalFile.write(try plan.trust.ring.listPublicKeysJSON(), to: out + "/" + ArchiveManifest.keysFileName)

            let report = try common.run(plan.reading(through: archive)).report
            // Keep the evidence of what no digest vouches for, too.
            for record in report.logFiles where record.digest == nil { try archive.copy(record.key, limit: options.logFileCompressedLimit) }
            // And the log files of the edge digests, so that the copy verifies whole.
            _ = try archive.completeEdgeDigests(plan: plan)
            manifest.complete = true
            try manifest.write(into: out)

            let stats = archive.statistics
            Output.writeStandardError([TerminalText.escaped("trailproof: archived \(CountText.of(stats.fetched, "object")) (\(CountText.bytes(Int64(stats.bytes)))) into \(out), \(stats.reused) already there")])
            try common.output.finish(with: report, startedAt: startedAt, s3: { S3Client(http: try aws.client()) })
        }
    }
}
