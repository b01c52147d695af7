import ArgumentParser
import FoundationEssentials
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

            Public keys (the trust anchor): --public-keys files; else, for S3, CloudTrail's \
            ListPublicKeys in each chain's own region. For a directory, keys are never taken from \
            inside it unless --keys-from-archive says so, and the report then says that the keys \
            came from the archive itself. Every report names where its keys came from.

            Nothing inside ROOT narrows what is checked: every object present is in scope unless \
            --start/--end narrow it. An archive's manifest (trailproof-archive.json) is a claim, \
            checked against what the archive holds; a mismatch is a finding.

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

            SHARDED RUNS
              --shard K/N verifies part K (from 0) of N: whole bucket locations (account and
              region), dealt out in sorted order. Write each shard's JSON report with
              --report json=PATH (a file or s3://), then `trailproof merge` them into the
              report and exit status a single run gives. --shard auto/N takes K from
              JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX.
              A shard's own exit status is that of its part (with --defer-verdict, 0 for
              findings, which its report carries to the merge). In a --report path,
              {shard} stands for K.
              Every shard of a run is given the same --run-id (new for each run) and, for
              s3://, the same --reference-time (the run's clock, chosen when the run is
              planned); both may come from TRAILPROOF_RUN_ID and TRAILPROOF_REFERENCE_TIME.
              `merge` refuses shards of different run ids, reference times or windows.
            """
    )

    @OptionGroup var inputs: VerifyInputs

    @Option(help: ArgumentHelp("Verify part K (from 0) of N of the source, for `trailproof merge`; auto/N reads K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX.",
                               valueName: "K/N"))
    var shard: String?

    @Option(name: .customLong("run-id"), help: ArgumentHelp(
        "The run this verification is part of, recorded in the report (default: TRAILPROOF_RUN_ID); required with --shard, the same for every shard of a run and new for each run.",
        valueName: "id"))
    var runID: String?

    @Option(name: .customLong("reference-time"), help: ArgumentHelp(
        "For s3://: judge the bucket as of TIME (UTC, not later than now) rather than the run's own clock (default: TRAILPROOF_REFERENCE_TIME); required with --shard over s3://, the same for every shard.",
        valueName: "time"))
    var referenceTime: String?

    @Flag(name: .customLong("defer-verdict"), help: ArgumentHelp(
        "With --shard and --report json=PATH: exit 0, not 1, when this part finds problems (its report holds them); `trailproof merge` of the shards gives the run's verdict and exit status. For batch engines that would not run the merge after a failed shard."))
    var deferVerdict = false

    /// What replaces `{shard}` in a --report path: this shard's K (with --shard).
    static let shardPlaceholder = "{shard}"

    func validate() throws {
        let environment = ProcessInfo.processInfo.environment
        let reports = inputs.common.output.reports
        if shard == nil, reports.contains(where: { $0.contains(Self.shardPlaceholder) }) {
            throw ValidationError("--report: \(Self.shardPlaceholder) in a path stands for the shard's K, and needs --shard")
        }
        if deferVerdict {
            guard shard != nil, inputs.common.output.reportRequests.contains(where: { $0.format == .json && $0.destination != .standardOutput }) else {
                throw ValidationError("--defer-verdict needs --shard and --report json=PATH: the shard's report must carry its findings to `trailproof merge`")
            }
        }
        let runID = try ShardRun.runID(runID, environment: environment).mapError { ValidationError($0.text(.commandLine)) }.get()
        let reference = try ShardRun.referenceTime(referenceTime, environment: environment).mapError { ValidationError($0.text(.commandLine)) }.get()
        var shardValue: Shard?
        if let shard {
            switch Shard.parse(shard, environment: environment) {
            case .failure(let error): throw ValidationError(error.text(.commandLine))
            case .success(let parsed): shardValue = parsed
            }
        }
        // The plan's rules with the shard, run id and reference time, before anything is read.
        try inputs.validatePlan { ($0.shard, $0.runID, $0.referenceTime) = (shardValue, runID, reference) }
    }

    func run() throws {
        let startedAt = UTCTime.now
        try Output.mappingOperationalErrors {
            let environment = ProcessInfo.processInfo.environment
            let (plan, stateFile) = try inputs.plan { request in
                if let shard { request.shard = try Shard.parse(shard, environment: environment).get() }
                request.runID = try ShardRun.runID(runID, environment: environment).get()
                request.referenceTime = try ShardRun.referenceTime(referenceTime, environment: environment).get()
            }
            // Findings are printed as each batch of locations is done (with --recheck, at the end).
            let printer = inputs.recheck ? nil : inputs.common.output.partPrinter()
            let outcome = try inputs.common.run(plan, printer: printer)
            if let stateFile {
                var next = stateFile.state
                next.heads = outcome.heads
                next.days = outcome.days
                try stateFile.save(next)
            }
            let report = outcome.report
            let aws = inputs.aws
            var output = inputs.common.output
            if let index = plan.scope.shard?.index {
                output.reports = output.reports.map { $0.replacing(Self.shardPlaceholder, with: String(index)) }
            }
            do {
                try output.finish(with: report, startedAt: startedAt, streamed: printer != nil, s3: { S3Client(http: try aws.client()) })
            } catch let exit as ExitCode where deferVerdict && exit == ExitCode(1) {
                // Findings only, and written to the shard's JSON report: the merge gives the verdict.
                Output.writeStandardError(["trailproof: note: this part found problems; exit status 1 is left to `trailproof merge` (--defer-verdict)"])
            }
        }
    }
}
