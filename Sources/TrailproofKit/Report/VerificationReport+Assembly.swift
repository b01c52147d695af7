/// The orders and counts a report is assembled with, shared by a run and by a merge of shard
/// reports, so that both give the same report for the same findings.
extension VerificationReport {
    /// Digest records by chain, then end time, then key.
    static func sortedDigests(_ digests: [DigestRecord]) -> [DigestRecord] {
        digests.sorted {
            (ObjectKey($0.chain), $0.span?.end ?? UTCTime(secondsSinceEpoch: 0), ObjectKey($0.key ?? ""))
                < (ObjectKey($1.chain), $1.span?.end ?? UTCTime(secondsSinceEpoch: 0), ObjectKey($1.key ?? ""))
        }
    }

    /// Log file records by key, then listing digest. Sorts indices, not the records: moving large
    /// records is what a sort of 10^4+ of them costs.
    static func sortedLogFiles(_ records: [LogFileRecord]) -> [LogFileRecord] {
        let keys = records.map(\.key)
        return records.indices.sorted { a, b in
            if !keys[a].sameBytes(as: keys[b]) { return keys[a].bytesPrecede(keys[b]) }
            return (records[a].digest ?? "").bytesPrecede(records[b].digest ?? "")
        }.map { records[$0] }
    }

    /// `sorted` (by `sortedLogFiles`) with one record per log file where digests that failed
    /// verification list it: two copies of a genuine digest under other names (both moved, the
    /// original gone) each list its log files, which are unverified once, not once per copy. The
    /// first such record (the listing digest first in byte order) is kept, and none at all when
    /// another record judges the file (an authentic digest's hash check, say).
    static func oneRecordPerUnverifiedLogFile(_ sorted: [LogFileRecord]) -> [LogFileRecord] {
        var kept: [LogFileRecord] = []
        kept.reserveCapacity(sorted.count)
        var start = sorted.startIndex
        while start < sorted.endIndex {
            let key = sorted[start].key
            var end = start + 1
            while end < sorted.endIndex, sorted[end].key.sameBytes(as: key) { end += 1 }
            if end - start == 1 {
                kept.append(sorted[start])  // the common case: no array made for it
            } else {
                let judged = sorted[start..<end].filter { $0.verdict != .unverified }
                if judged.isEmpty { kept.append(sorted[start]) } else { kept += judged }
            }
            start = end
        }
        return kept
    }

    /// Gaps by chain, then start.
    static func sortedGaps(_ gaps: [GapRecord]) -> [GapRecord] {
        gaps.sorted { (ObjectKey($0.chain), $0.span.start) < (ObjectKey($1.chain), $1.span.start) }
    }

    /// Object findings by key, verdict, detail.
    static func sortedObjects(_ objects: [ObjectRecord]) -> [ObjectRecord] {
        objects.sorted { (ObjectKey($0.key), $0.verdict.rawValue, ObjectKey($0.detail)) < (ObjectKey($1.key), $1.verdict.rawValue, ObjectKey($1.detail)) }
    }
}

extension VerificationReport.Totals {
    /// The counts of a report's records, and of the valid log files counted without a record.
    init(chains: [ChainSummary], digests: [DigestRecord], logFiles: [LogFileRecord], gaps: [GapRecord], objects: [ObjectRecord],
         logFilesOutOfScope: Int, gapsAllowed: Bool, unlistedValid: UnlistedValidRecords = UnlistedValidRecords()) {
        self.init()
        self.chains = chains.count
        self.digests = digests.count + unlistedValid.digests
        digestsValid = digests.filter { $0.verdict == .valid }.count + unlistedValid.digests
        for record in digests { digestsByVerdict[record.verdict.rawValue, default: 0] += 1 }
        if unlistedValid.digests > 0 { digestsByVerdict[DigestVerdict.valid.rawValue, default: 0] += unlistedValid.digests }
        signatureSources = unlistedValid.digestSignatureSources.merging(VerificationReport.signatureSources(of: digests), uniquingKeysWith: +)
        // Counted in one pass, never copied: the log file records are most of a report.
        var logFindings = 0
        for record in logFiles {
            if record.digest != nil {
                self.logFiles += 1
                if record.verdict == .valid { logFilesValid += 1 }
            }
            logFilesByVerdict[record.verdict.rawValue, default: 0] += 1
            logFileBytesHashed += record.uncompressedBytes ?? 0
            if record.verdict.isFinding { logFindings += 1 }
        }
        if unlistedValid.logFiles > 0 {
            self.logFiles += unlistedValid.logFiles
            logFilesValid += unlistedValid.logFiles
            logFilesByVerdict[LogFileVerdict.valid.rawValue, default: 0] += unlistedValid.logFiles
        }
        logFileBytesHashed += unlistedValid.logFileBytes
        self.gaps = gaps.count
        missingDigestHours = digests.filter { $0.verdict == .missing }.reduce(0) { $0 + ($1.hours ?? 1) }
        self.logFilesOutOfScope = logFilesOutOfScope
        objectFindings = objects.count
        findings = digests.filter { $0.verdict != .valid }.count + logFindings
            + (gapsAllowed ? 0 : gaps.count) + objects.count
        let validSpans = chains.flatMap(\.coverage)
        if let start = validSpans.map(\.start).min(), let end = validSpans.map(\.end).max() {
            coveredSpan = TimeSpan(start: start, end: end)
        }
        exitStatus = findings > 0 ? 1 : 0
    }
}

extension VerificationReport {
    /// Digests per signature source: from the totals, or counted from the records of a report
    /// written before the totals held them.
    public var signatureSources: [String: Int] {
        totals.signatureSources ?? Self.signatureSources(of: digests)
    }

    /// How many of `digests` were checked against each source of signature.
    static func signatureSources(of digests: [DigestRecord]) -> [String: Int] {
        var sources: [String: Int] = [:]
        for record in digests { if let source = record.signatureSource { sources[source.rawValue, default: 0] += 1 } }
        return sources
    }
}
