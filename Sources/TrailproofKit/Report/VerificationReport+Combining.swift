extension VerificationReport {
    /// One report from reports read back of disjoint parts of one source (the shards of a
    /// sharded run), made as a run's report is (`ReportAssembler`): what each one's totals count
    /// beyond its records is taken from them (`RunPart(readBack:)`), the whole's counted once.
    static func combining(_ parts: [VerificationReport]) -> VerificationReport {
        let assembler = ReportAssembler()
        for part in parts { assembler.add(RunPart(readBack: part)) }
        return assembler.assembled()
    }
}

/// Valid digests and log files a report counts in its totals without listing them (see
/// `VerificationOptions.listsValidLogFiles` and `listsValidDigests`): how many, the log files'
/// uncompressed bytes, and where the digests' signatures came from.
struct UnlistedValidRecords: Equatable {
    var logFiles = 0
    var logFileBytes: Int64 = 0
    var digests = 0
    var digestSignatureSources: [String: Int] = [:]

    init(logFiles: Int = 0, logFileBytes: Int64 = 0) {
        self.logFiles = logFiles
        self.logFileBytes = logFileBytes
    }

    /// What `report`'s totals count beyond its listed records; negative counts when the totals
    /// count fewer than it lists (a report that was altered).
    init(of report: VerificationReport) {
        var listedValid = 0
        var listedBytes: Int64 = 0
        for record in report.logFiles {
            if record.verdict == .valid && record.digest != nil { listedValid += 1 }
            listedBytes += record.uncompressedBytes ?? 0
        }
        logFiles = report.totals.logFilesValid - listedValid
        logFileBytes = report.totals.logFileBytesHashed - listedBytes
        digests = report.totals.digestsValid - report.digests.filter { $0.verdict == .valid }.count
        digestSignatureSources = (report.totals.signatureSources ?? [:])
            .merging(VerificationReport.signatureSources(of: report.digests).mapValues { -$0 }, uniquingKeysWith: +)
            .filter { $0.value != 0 }
    }

    /// True when no count is negative.
    var isPlausible: Bool { logFiles >= 0 && logFileBytes >= 0 && digests >= 0 && digestSignatureSources.values.allSatisfy { $0 >= 0 } }

    mutating func add(_ other: UnlistedValidRecords) {
        logFiles += other.logFiles
        logFileBytes += other.logFileBytes
        digests += other.digests
        digestSignatureSources.merge(other.digestSignatureSources, uniquingKeysWith: +)
    }
}
