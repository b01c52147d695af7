extension VerificationReport {
    /// This report with the findings of `recheck` (a re-verification of changed past days) added:
    /// its digests, log files, gaps and objects, its counts, and a note saying what was re-verified.
    public func adding(recheck: VerificationReport, days: [TimeSpan]) -> VerificationReport {
        var merged = self
        let known = Set(digests.compactMap { $0.key.map { ObjectKey($0) } })
        merged.digests += recheck.digests.filter { $0.key.map { !known.contains(ObjectKey($0)) } ?? true }
        let knownLogs = Set(logFiles.map { ObjectKey($0.key) })
        merged.logFiles += recheck.logFiles.filter { !knownLogs.contains(ObjectKey($0.key)) }
        merged.gaps += recheck.gaps
        merged.objects += recheck.objects.filter { object in !objects.contains(object) }
        merged.notices.append("--recheck: \(days.count) day folders changed since they were verified (\(days.map { String($0.start.iso8601.prefix(10)) }.joined(separator: ", "))) and were verified again: \(recheck.totals.findings) findings")
        merged.totals.digests += recheck.totals.digests
        merged.totals.digestsValid += recheck.totals.digestsValid
        merged.totals.signatureSources = signatureSources.merging(recheck.signatureSources, uniquingKeysWith: +)
        for (verdict, count) in recheck.totals.digestsByVerdict { merged.totals.digestsByVerdict[verdict, default: 0] += count }
        merged.totals.logFiles += recheck.totals.logFiles
        merged.totals.logFilesValid += recheck.totals.logFilesValid
        for (verdict, count) in recheck.totals.logFilesByVerdict { merged.totals.logFilesByVerdict[verdict, default: 0] += count }
        merged.totals.gaps += recheck.totals.gaps
        merged.totals.objectFindings += recheck.totals.objectFindings
        merged.totals.findings += recheck.totals.findings
        merged.totals.exitStatus = max(totals.exitStatus, recheck.totals.exitStatus)
        return merged
    }
}
