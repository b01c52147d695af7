/// The chain of custody of one run: who ran what, where and when, and which machine-readable
/// report the human ones belong to.
public struct RunRecord: Sendable {
    /// The command line, each argument as given.
    public var commandLine: [String]
    /// When the run started.
    public var startedAt: UTCTime
    /// When it ended (the reports were rendered).
    public var endedAt: UTCTime
    /// The host it ran on.
    public var host: String
    /// SHA-256 of the JSON report of this run: the exact bytes `--report json=PATH` writes.
    public var jsonReportSHA256: String
    /// Where that JSON report was written, if it was.
    public var jsonReportPath: String?

    /// Creates a record.
    public init(commandLine: [String], startedAt: UTCTime, endedAt: UTCTime, host: String, jsonReportSHA256: String,
                jsonReportPath: String?) {
        self.commandLine = commandLine
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.host = host
        self.jsonReportSHA256 = jsonReportSHA256
        self.jsonReportPath = jsonReportPath
    }

    /// The command line as one shell-quoted string.
    public var commandLineText: String {
        commandLine.map { argument in
            let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
                ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A) || ($0.value >= 0x61 && $0.value <= 0x7A)
                    || "-_./=:,@%+".unicodeScalars.contains($0)
            }
            return plain ? argument : "'" + argument.replacingAll("'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
