import ArgumentParser
import FoundationEssentials
import TrailproofKit

/// `trailproof merge`: the shard reports of one sharded run combined into one report and exit status.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the JSON reports of `verify --shard K/N` into the report a single run gives.",
        discussion: """
            Each REPORT is a JSON report written by `trailproof verify --shard K/N --report \
            json=PATH`: a file, - (standard input) or s3://BUCKET/KEY. Every shard of the run \
            must be given exactly once, from listings that saw the same locations, with the same \
            scope; a missing, duplicated or foreign shard is an error, never a pass. The merged \
            report has the same findings, counts, gaps and coverage as a single run over the \
            same source, and is printed and written (--format, --report) as `verify` does.

            The shards of one run carry the same run id (`verify --run-id`), reference time and \
            window; a mix (a genuine shard report of an earlier run beside today's) is an error. \
            --run-id (or TRAILPROOF_RUN_ID) names the run expected, so that a whole earlier run \
            replayed in place of this one is refused too.

            A merge checks that the shard reports agree with each other, not who wrote them: keep \
            them where only the shards can write.

            EXIT STATUS
              0  everything in scope verified
              1  an integrity problem in any shard
              2  usage or operational error, or shards missing, duplicated or disagreeing
            """
    )

    @Argument(help: ArgumentHelp("The shards' JSON reports: files, - or s3://BUCKET/KEY.", valueName: "report"))
    var inputs: [String]

    @Option(name: .customLong("run-id"), help: ArgumentHelp(
        "The run id every shard must carry (default: TRAILPROOF_RUN_ID; without either, the shards need only agree with each other).",
        valueName: "id"))
    var runID: String?

    @OptionGroup var output: ReportOutput
    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give the shards' JSON reports") }
        if inputs.filter({ $0.utf8.elementsEqual("-".utf8) }).count > 1 { throw ValidationError("standard input (-) can be given once") }
        if case .failure(let error) = ShardRun.runID(runID, environment: ProcessInfo.processInfo.environment) {
            throw ValidationError(error.text(.commandLine))
        }
    }

    func run() throws {
        let startedAt = UTCTime.now
        try Output.mappingOperationalErrors {
            let expected = try ShardRun.runID(runID, environment: ProcessInfo.processInfo.environment).get()
            let request = MergeRequest(inputs: inputs.map(MergeRequest.Input.init(argument:)), runID: expected)
            let plan = try MergePlan.resolve(request, s3: { [aws] in S3Client(http: try aws.client()) })
            try output.finish(with: plan.merged(), startedAt: startedAt, s3: { [aws] in S3Client(http: try aws.client()) })
        }
    }
}
