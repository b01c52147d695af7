/// What every shard of one sharded run agrees on without talking to the others: a run id and,
/// for a live source, the reference time, both chosen when the run is planned and handed to
/// every shard alike (on the command line or in the environment a batch engine gives every job
/// of an array). With the window (`--start`/`--end`) they go into each shard's report, and
/// `ReportMerge` refuses any mix: a genuine shard report of an earlier run (same locations, same
/// listing fingerprint) cannot stand in for today's.
public enum ShardRun {
    /// The environment variable read when `--run-id` is not given.
    public static let runIDVariable = "TRAILPROOF_RUN_ID"
    /// The environment variable read when `--reference-time` is not given.
    public static let referenceTimeVariable = "TRAILPROOF_REFERENCE_TIME"
    /// Longest run id.
    public static let runIDLimit = 200

    /// The run id: `option` when given, else `TRAILPROOF_RUN_ID` from `environment`; nil when
    /// neither is set.
    public static func runID(_ option: String?, environment: [String: String]) -> Result<String?, ShardError> {
        guard let text = option ?? environment[runIDVariable] else { return .success(nil) }
        guard isRunID(text) else { return .failure(.badRunID(text)) }
        return .success(text)
    }

    /// The planned reference time: `option` when given, else `TRAILPROOF_REFERENCE_TIME` from
    /// `environment`; nil when neither is set.
    public static func referenceTime(_ option: String?, environment: [String: String]) -> Result<UTCTime?, ShardError> {
        guard let text = option ?? environment[referenceTimeVariable] else { return .success(nil) }
        guard case .success(let time) = TimeArgument.parse(text, bareDate: .startOfDay) else { return .failure(.badReferenceTime(text)) }
        return .success(time)
    }

    /// 1 to `runIDLimit` visible ASCII characters (no spaces or control characters): an id a
    /// scheduler can pass unquoted and a terminal prints as it is.
    static func isRunID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= runIDLimit && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
