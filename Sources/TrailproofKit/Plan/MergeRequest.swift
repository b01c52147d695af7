/// What a merge of shard reports was asked for, as plain data: the CLI fills it from its
/// arguments and hands it to `MergePlan.resolve`, which reads every report and decides whether
/// they are the shards of one run.
public struct MergeRequest: Sendable {
    /// Where one shard's JSON report is.
    public enum Input: Sendable {
        /// A local file.
        case file(path: String)
        /// The process's standard input.
        case standardInput
        /// An object in S3, read with the plan's S3 client.
        case s3(bucket: String, key: String)
        /// A report a library user holds already decoded, with the name its errors give it.
        case report(VerificationReport, name: String = "report")

        /// How errors name the input: the path, `-`, `s3://BUCKET/KEY`.
        public var name: String {
            switch self {
            case .file(let path): return path
            case .standardInput: return "-"
            case .s3(let bucket, let key): return "s3://\(bucket)/\(key)"
            case .report(_, let name): return name
            }
        }
    }

    /// Largest report read by default: 4 GiB.
    public static let defaultSizeLimit = 4 << 30

    /// The shards' reports, in any order.
    public var inputs: [Input]
    /// The run id every shard must carry; nil when the shards need only agree with each other.
    public var runID: String?
    /// Largest report read, in bytes: a larger one is refused, not read on.
    public var sizeLimit: Int

    /// A request to merge `inputs`.
    public init(inputs: [Input], runID: String? = nil, sizeLimit: Int = MergeRequest.defaultSizeLimit) {
        self.inputs = inputs
        self.runID = runID
        self.sizeLimit = sizeLimit
    }
}

/// A shard report that could not be read or is not a report (exit status 2).
public struct MergeInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the input.
    public enum Reason: Sendable, Equatable {
        /// It could not be read (the system's or the server's message).
        case unreadable(String)
        /// It is larger than the request's limit.
        case tooLarge(limit: Int)
        /// S3 has no such object.
        case noSuchObject
        /// Its bytes are not a trailproof JSON report (the decoder's message).
        case notAReport(String)
    }

    /// The input, as `MergeRequest.Input.name` names it.
    public var input: String
    /// What is wrong.
    public var reason: Reason

    /// Creates an error about `input`.
    public init(input: String, reason: Reason) {
        self.input = input
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unreadable(let detail): return "\(input): cannot be read: \(detail)"
        case .tooLarge(let limit): return "\(input): larger than \(CountText.of(limit, "byte")), the limit"
        case .noSuchObject: return "\(input): no such object"
        case .notAReport(let detail): return "\(input): not a trailproof JSON report (\(detail))"
        }
    }
}
