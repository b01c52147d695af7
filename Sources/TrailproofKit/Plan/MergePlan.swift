import TrailproofNative

/// Everything a merge of shard reports reads and believes, decided once, before anything is
/// merged: every input read and decoded through one path (a file, standard input or S3, each
/// within the request's size limit), and the shards checked to be of one run (`ReportMerge`'s
/// checks: each shard exactly once, one run id, reference time and window, one listing, one
/// scope). The merged report's scope, its chain of custody, is the plan's `scope`.
///
/// `resolve` is the one place that decides whether shard reports may be merged; whatever it
/// refuses is an error (`MergeInputError`, `MergeError`), never a merged pass.
public struct MergePlan: Sendable {
    /// The request the plan was made for.
    public let request: MergeRequest
    /// The shards' reports, by index: shard 0 first.
    public let shards: [VerificationReport]
    /// What the merged report covers and trusts, as every shard states it alike: the source, the
    /// window, the public keys (fingerprints, where they came from, whether from inside the
    /// evidence), the endpoints that answered, the run id and the reference time. The identity
    /// each shard signed as may differ (each job has its own session): shard 0's is named.
    public let scope: VerificationReport.Scope

    /// The run id every shard carries.
    public var runID: String? { scope.runID }

    /// Reads every input of `request`, decodes it as a JSON report, and checks that the reports
    /// are the shards of one run.
    /// - Parameter s3: makes the S3 client an `s3://` input is read with; nil when there is none.
    /// - Throws: `MergeInputError` for an input that cannot be read, is too large or is not a
    ///   report; `RunPlanError.noServices` for an S3 input without a client; `MergeError` when a
    ///   shard is missing, duplicated or foreign, or the shards disagree; `AWSRequestError`.
    public static func resolve(_ request: MergeRequest, s3: (() throws -> S3Client)? = nil) throws -> MergePlan {
        var client: S3Client?
        let reports = try request.inputs.map { input -> VerificationReport in
            if case .report(let report, _) = input { return report }
            if case .s3 = input, client == nil {
                guard let s3 else { throw RunPlanError.noServices }
                client = try s3()
            }
            return try decode(try read(input, limit: request.sizeLimit, s3: client), input: input)
        }
        let shards = try ReportMerge.checkedShards(reports, runID: request.runID)
        var scope = shards[0].scope
        // The same in every shard (checked); the latest, as a combined report of parts takes it.
        scope.referenceTime = shards.compactMap(\.scope.referenceTime).max()
        return MergePlan(request: request, shards: shards, scope: scope)
    }

    /// The report a single run over the same source gives: the shards' records and counts
    /// combined, under the plan's scope.
    public func merged() -> VerificationReport {
        var report = ReportMerge.combine(shards)
        report.scope = scope
        return report
    }

    /// The bytes of `input`, at most `limit`.
    static func read(_ input: MergeRequest.Input, limit: Int, s3: S3Client?) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let append = { (chunk: UnsafeRawBufferPointer) throws in
            guard bytes.count + chunk.count <= limit else { throw MergeInputError(input: input.name, reason: .tooLarge(limit: limit)) }
            bytes.append(contentsOf: chunk)
        }
        switch input {
        case .report:
            preconditionFailure("a decoded report is not read")
        case .s3(let bucket, let key):
            guard let s3 else { throw RunPlanError.noServices }
            let found = try s3.getObject(bucket: bucket, key: key, restart: { bytes = [] }, sink: append)
            guard found != nil else { throw MergeInputError(input: input.name, reason: .noSuchObject) }
        case .file(let path):
            try readLocal(path, input: input, append)
        case .standardInput:
            try readLocal("/dev/stdin", input: input, append)
        }
        return bytes
    }

    /// Streams a local file into `append`; a system error names the input.
    private static func readLocal(_ path: String, input: MergeRequest.Input, _ append: (UnsafeRawBufferPointer) throws -> Void) throws {
        do {
            try LocalFile.stream(path, chunkSize: 1 << 20, append)
        } catch let error as MergeInputError {
            throw error
        } catch {
            throw MergeInputError(input: input.name, reason: .unreadable("\(error)"))
        }
    }

    /// `bytes` as a report, or `MergeInputError.notAReport`.
    static func decode(_ bytes: [UInt8], input: MergeRequest.Input) throws -> VerificationReport {
        do {
            return try JSONReport.decode(bytes)
        } catch {
            throw MergeInputError(input: input.name, reason: .notAReport("\(error)"))
        }
    }
}
