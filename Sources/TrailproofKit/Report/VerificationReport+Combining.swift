extension VerificationReport {
    /// One report from the reports of disjoint parts of one source (the batches of a run, the
    /// shards of a sharded run): their records in the report's orders, their notices once each,
    /// the latest reference time, and counts that include the valid digests and log files a
    /// part counted without listing them.
    static func combining(_ parts: [VerificationReport]) -> VerificationReport {
        guard var combined = parts.first else { preconditionFailure("no parts to combine") }
        var chains: [ChainSummary] = []
        var digests: [DigestRecord] = []
        var logFiles: [LogFileRecord] = []
        var gaps: [GapRecord] = []
        var objects: [ObjectRecord] = []
        var notices: Set<ObjectKey> = []
        var outOfScope = 0
        var unlisted = UnlistedValidRecords()
        for part in parts {
            chains += part.chains
            digests += part.digests
            gaps += part.gaps
            objects += part.objects
            outOfScope += part.totals.logFilesOutOfScope
            let own = outOfScopeNotice(part.totals.logFilesOutOfScope)
            for notice in part.notices where !own.sameBytes(as: notice) { notices.insert(ObjectKey(notice)) }
            unlisted.add(UnlistedValidRecords(of: part))
            logFiles += part.logFiles
        }
        combined.chains = chains.sorted { $0.chain < $1.chain }
        combined.digests = sortedDigests(digests)
        combined.logFiles = sortedLogFiles(logFiles)
        combined.gaps = sortedGaps(gaps)
        // Parts may each find the same thing about an object (an archive folder outside its prefix).
        var seen: Set<ObjectKey> = []
        combined.objects = sortedObjects(objects).filter { seen.insert(ObjectKey("\($0.key)\u{0}\($0.verdict.rawValue)\u{0}\($0.detail)")).inserted }
        combined.notices = notices.sorted().map(\.text) + [outOfScopeNotice(outOfScope)].compactMap { $0 }
        combined.scope.referenceTime = parts.compactMap(\.scope.referenceTime).max()
        combined.verdict = nil  // made from the combined records when written
        combined.totals = Totals(chains: combined.chains, digests: combined.digests, logFiles: combined.logFiles, gaps: combined.gaps,
                                 objects: combined.objects, logFilesOutOfScope: outOfScope, gapsAllowed: combined.scope.gapsAllowed,
                                 unlistedValid: unlisted)
        return combined
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
