import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

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

    /// Largest report read.
    static let reportSizeLimit = 4 << 30

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give the shards' JSON reports") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be given once") }
        if case .failure(let error) = ShardRun.runID(runID, environment: ProcessInfo.processInfo.environment) {
            throw ValidationError(error.text(.commandLine))
        }
    }

    func run() throws {
        let startedAt = UTCTime.now
        try Output.mappingOperationalErrors {
            let reports = try inputs.map { input -> VerificationReport in
                let bytes = try read(input)
                do {
                    return try JSONReport.decode(bytes)
                } catch {
                    throw MergeInputError(input: input, detail: "not a trailproof JSON report (\(error))")
                }
            }
            let expected = try ShardRun.runID(runID, environment: ProcessInfo.processInfo.environment).get()
            let merged = try ReportMerge.merge(reports, runID: expected)
            try output.finish(with: merged, startedAt: startedAt, s3: { [aws] in S3Client(http: try aws.client()) })
        }
    }

    private func read(_ input: String) throws -> [UInt8] {
        if input == "-" { return try LocalFile.readAll("/dev/stdin", limit: Self.reportSizeLimit) }
        if let location = S3Store.parse(url: input) {
            let key = String(location.prefix.dropLast())
            var bytes: [UInt8] = []
            let found = try S3Client(http: try aws.client()).getObject(bucket: location.bucket, key: key, restart: { bytes = [] }) { chunk in
                guard bytes.count + chunk.count <= Self.reportSizeLimit else { throw MergeInputError(input: input, detail: "larger than 4 GiB") }
                bytes.append(contentsOf: chunk)
            }
            guard found != nil else { throw MergeInputError(input: input, detail: "no such object") }
            return bytes
        }
        return try LocalFile.readAll(input, limit: Self.reportSizeLimit)
    }
}

/// A shard report that could not be read.
struct MergeInputError: Error, CustomStringConvertible {
    let input: String
    let detail: String
    var description: String { "\(input): \(detail)" }
}
