/// What one part of a run found: a batch of locations, what belongs to no location, or a
/// finding that needs every batch (a chain that ends early); or, for a merge, one shard's report.
/// It holds records and notices, not totals: the run's totals are counted once, from every part,
/// by the `ReportAssembler`.
public struct RunPart: Sendable {
    /// The part's records (chains, digests, log files, gaps, objects) and notices, with the run's
    /// scope. Its `totals` are not counted.
    public var findings: VerificationReport
    /// The valid digests and log files the part counted without listing them.
    var unlistedValid: UnlistedValidRecords
    /// Unlisted log files outside the requested window, counted and not checked.
    public var logFilesOutOfScope: Int
    /// Of those, the ones before their location's head in the state, by delivery minute.
    var logFilesBeforeHeads: [UTCTime: Int]

    init(findings: VerificationReport, unlistedValid: UnlistedValidRecords = UnlistedValidRecords(), logFilesOutOfScope: Int = 0,
         logFilesBeforeHeads: [UTCTime: Int] = [:]) {
        self.findings = findings
        self.unlistedValid = unlistedValid
        self.logFilesOutOfScope = logFilesOutOfScope
        self.logFilesBeforeHeads = logFilesBeforeHeads
    }

    /// For a progress line: the log files the part's digests list, and the bytes it hashed.
    var logFilesHashed: (listed: Int, bytes: Int64) {
        var hashed = (listed: unlistedValid.logFiles, bytes: unlistedValid.logFileBytes)
        for record in findings.logFiles {
            if record.digest != nil { hashed.listed += 1 }
            hashed.bytes += record.uncompressedBytes ?? 0
        }
        return hashed
    }

    /// A report read back (a shard's): what its totals count beyond the records it lists, and
    /// its notices without its own count of log files not checked (the whole's is counted again).
    init(readBack report: VerificationReport) {
        var findings = report
        let own = Notice.logFilesOutOfScope(count: report.totals.logFilesOutOfScope)
        findings.notices.removeAll { $0 == own || $0.text(report.inputNames).sameBytes(as: own.text(report.inputNames)) }
        self.init(findings: findings, unlistedValid: UnlistedValidRecords(of: report), logFilesOutOfScope: report.totals.logFilesOutOfScope)
    }
}
