import TrailproofKit

extension InputNames {
    /// The command line's names for a run's inputs: its flags (the library names none; it words
    /// its sentences with these when the CLI gives them).
    static let commandLine = InputNames(
        bucket: "--bucket", start: "--start", end: "--end", headSignature: "--head-signature", publicKeys: "--public-keys",
        allowGaps: "--allow-gaps", reportJSON: "`--report json=PATH`", region: "--region", queryID: "--query-id",
        shard: "--shard", runID: "--run-id", referenceTime: "--reference-time", recheck: "--recheck")
}
