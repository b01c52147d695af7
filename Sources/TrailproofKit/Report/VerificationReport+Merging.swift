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
        // Each chain's line counts what was verified again, so its counts add up with the totals'.
        for rechecked in recheck.chains {
            guard let index = merged.chains.firstIndex(where: { $0.id.sameBytes(as: rechecked.id) }) else {
                merged.chains.append(rechecked)
                merged.chains[merged.chains.count - 1].recheckedDigests = rechecked.digests
                continue
            }
            merged.chains[index].digests += rechecked.digests
            merged.chains[index].validDigests += rechecked.validDigests
            merged.chains[index].recheckedDigests = (merged.chains[index].recheckedDigests ?? 0) + rechecked.digests
            merged.chains[index].coverage = TimeSpan.merged(merged.chains[index].coverage + rechecked.coverage)
        }
        merged.notices.append(.recheck(days: days.map { String($0.start.iso8601.prefix(10)) }, findings: recheck.totals.findings))
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
        // What was verified again is covered too: the summary's "results found" says so.
        let spans = merged.chains.flatMap(\.coverage)
        if let start = spans.map(\.start).min(), let end = spans.map(\.end).max() {
            merged.totals.coveredSpan = TimeSpan(start: start, end: end)
        }
        return merged
    }

    /// This report with `records`, digests a recheck found gone (`RunPlan.goneHeads`), each a
    /// finding unless the report already has a record of its key.
    func adding(goneHeads records: [DigestRecord]) -> VerificationReport {
        var merged = self
        let known = Set(digests.compactMap { $0.key.map { ObjectKey($0) } })
        let added = records.filter { $0.key.map { !known.contains(ObjectKey($0)) } ?? true }
        guard !added.isEmpty else { return self }
        merged.digests = Self.sortedDigests(digests + added)
        merged.totals.digests += added.count
        merged.totals.digestsByVerdict[DigestVerdict.missing.rawValue, default: 0] += added.count
        merged.totals.missingDigestHours += added.count
        merged.totals.findings += added.count
        merged.totals.exitStatus = max(totals.exitStatus, 1)
        return merged
    }
}
