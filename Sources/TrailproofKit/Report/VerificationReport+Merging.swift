extension VerificationReport {
    /// This report with the findings of `recheck` (a re-verification of changed past days) added:
    /// its digests, log files, gaps and objects, its counts, and a note saying what was re-verified.
    public func adding(recheck: VerificationReport, days: [TimeSpan]) -> VerificationReport {
        var merged = self
        // What the recheck found that this report already holds (a chain with no head is this
        // run's whole, changed days included) is counted once: its records are dropped, and
        // their share of the recheck's counts with them.
        var counted = recheck.totals
        let known = Set(digests.compactMap { $0.key.map { ObjectKey($0) } })
        let repeated = recheck.digests.filter { $0.key.map { known.contains(ObjectKey($0)) } ?? false }
        merged.digests += recheck.digests.filter { $0.key.map { !known.contains(ObjectKey($0)) } ?? true }
        for record in repeated { counted.remove(record) }
        // A log file this run could only call unverified (listed by a digest that failed, such as
        // a copy in a chain of its own) that the recheck judged by its hash, under an authentic
        // digest of the verified past, takes the recheck's verdict.
        let hashed = Set(recheck.logFiles.filter { $0.digest != nil && $0.verdict != .unverified }.map { ObjectKey($0.key) })
        merged.logFiles.removeAll { record in
            guard record.verdict == .unverified, hashed.contains(ObjectKey(record.key)) else { return false }
            merged.totals.remove(record)
            return true
        }
        let knownLogs = Set(merged.logFiles.map { ObjectKey($0.key) })
        for record in recheck.logFiles {
            if knownLogs.contains(ObjectKey(record.key)) { counted.remove(record) } else { merged.logFiles.append(record) }
        }
        // The recheck lists its valid log files (see `RunPlan.run`); the report keeps them only when asked.
        if !scope.listsValidLogFiles { merged.logFiles.removeAll { $0.verdict == .valid } }
        merged.gaps += recheck.gaps
        for object in recheck.objects {
            if objects.contains(object) { counted.removeObjectFinding() } else { merged.objects.append(object) }
        }
        // Each chain's line counts what was verified again, so its counts add up with the totals'
        // (its missing digests among them: none is one "since the head").
        for rechecked in recheck.chains {
            let label = rechecked.id
            let present = rechecked.digests - repeated.filter { $0.chain.sameBytes(as: label) && $0.verdict != .missing }.count
            let valid = rechecked.validDigests - repeated.filter { $0.chain.sameBytes(as: label) && $0.verdict == .valid }.count
            let missing = recheck.digests.filter { $0.chain.sameBytes(as: label) && $0.verdict == .missing }.count
                - repeated.filter { $0.chain.sameBytes(as: label) && $0.verdict == .missing }.count
            guard let index = merged.chains.firstIndex(where: { $0.id.sameBytes(as: label) }) else {
                merged.chains.append(rechecked)
                merged.chains[merged.chains.count - 1].recheckedDigests = rechecked.digests + missing
                continue
            }
            merged.chains[index].digests += present
            merged.chains[index].validDigests += valid
            merged.chains[index].recheckedDigests = (merged.chains[index].recheckedDigests ?? 0) + present + missing
            merged.chains[index].coverage = TimeSpan.merged(merged.chains[index].coverage + rechecked.coverage)
        }
        merged.notices.append(.recheck(days: days.map { String($0.start.iso8601.prefix(10)) }, findings: recheck.totals.findings))
        merged.excludeFromOutOfScope(checkedBy: recheck)
        merged.totals.digests += counted.digests
        merged.totals.digestsValid += counted.digestsValid
        merged.totals.signatureSources = signatureSources.merging(counted.signatureSources ?? [:], uniquingKeysWith: +).filter { $0.value != 0 }
        for (verdict, count) in counted.digestsByVerdict where count != 0 { merged.totals.digestsByVerdict[verdict, default: 0] += count }
        merged.totals.missingDigestHours += counted.missingDigestHours
        merged.totals.logFiles += counted.logFiles
        merged.totals.logFilesValid += counted.logFilesValid
        for (verdict, count) in counted.logFilesByVerdict where count != 0 { merged.totals.logFilesByVerdict[verdict, default: 0] += count }
        merged.totals.logFileBytesHashed += counted.logFileBytesHashed
        merged.totals.gaps += counted.gaps
        merged.totals.objectFindings += counted.objectFindings
        merged.totals.findings += counted.findings
        merged.totals.exitStatus = max(totals.exitStatus, recheck.totals.exitStatus)
        // What was verified again is covered too: the summary's "results found" says so.
        let spans = merged.chains.flatMap(\.coverage)
        if let start = spans.map(\.start).min(), let end = spans.map(\.end).max() {
            merged.totals.coveredSpan = TimeSpan(start: start, end: end)
        }
        return merged
    }

    /// This report with object findings `records`, but those whose object it already reports
    /// with the same verdict (in its own words).
    func adding(objects records: [ObjectRecord]) -> VerificationReport {
        var merged = self
        let reported = Set(objects.map { ObjectKey("\($0.verdict.rawValue)\u{0}\($0.key)") })
        let added = records.filter { !reported.contains(ObjectKey("\($0.verdict.rawValue)\u{0}\($0.key)")) }
        guard !added.isEmpty else { return self }
        merged.objects = Self.sortedObjects(objects + added)
        merged.totals.objectFindings += added.count
        merged.totals.findings += added.count
        merged.totals.exitStatus = max(totals.exitStatus, 1)
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
        for record in added { merged.totals.count(record, by: 1) }
        merged.totals.exitStatus = max(totals.exitStatus, 1)
        return merged
    }
}

extension VerificationReport.Totals {
    /// Takes `record`'s share out of these counts (a record another report holds already).
    mutating func remove(_ record: DigestRecord) { count(record, by: -1) }

    /// Adds `record`'s share to these counts `step` times (-1 takes it out), as a report's
    /// totals count its digest records.
    mutating func count(_ record: DigestRecord, by step: Int) {
        digests += step
        digestsByVerdict[record.verdict.rawValue, default: 0] += step
        if digestsByVerdict[record.verdict.rawValue] == 0 { digestsByVerdict[record.verdict.rawValue] = nil }
        if record.verdict == .valid { digestsValid += step } else { findings += step }
        if record.verdict == .missing { missingDigestHours += step * (record.hours ?? 1) }
        if let source = record.signatureSource { signatureSources?[source.rawValue, default: 0] += step }
    }

    /// Takes an object finding out of these counts (one another report holds already).
    mutating func removeObjectFinding() {
        objectFindings -= 1
        findings -= 1
    }

    /// Takes `record`'s share out of these counts (a record another report holds already).
    mutating func remove(_ record: LogFileRecord) {
        if record.digest != nil {
            logFiles -= 1
            if record.verdict == .valid { logFilesValid -= 1 }
        }
        logFilesByVerdict[record.verdict.rawValue, default: 0] -= 1
        if logFilesByVerdict[record.verdict.rawValue] == 0 { logFilesByVerdict[record.verdict.rawValue] = nil }
        logFileBytesHashed -= record.uncompressedBytes ?? 0
        if record.verdict.isFinding { findings -= 1 }
    }
}

extension VerificationReport {
    /// Takes out of the count of log files outside the requested window those before a head in
    /// the state that `recheck` verified: delivered inside its window, where it judges every log
    /// file before its location's head (listed, by its hash; unlisted, as a finding or notice).
    /// Those on its window's edges are left counted: "not checked" may understate what was
    /// checked, never the reverse.
    private mutating func excludeFromOutOfScope(checkedBy recheck: VerificationReport) {
        guard let start = recheck.scope.start, let end = recheck.scope.end, !logFilesOutOfScopeBeforeHeads.isEmpty else { return }
        var checked = 0
        logFilesOutOfScopeBeforeHeads = logFilesOutOfScopeBeforeHeads.filter { minute, count in
            guard start <= minute && minute <= end else { return true }
            checked += count
            return false
        }
        guard checked > 0 else { return }
        let before = totals.logFilesOutOfScope
        totals.logFilesOutOfScope = max(0, before - checked)
        guard let index = notices.firstIndex(of: .logFilesOutOfScope(count: before)) else { return }
        if totals.logFilesOutOfScope > 0 {
            notices[index] = .logFilesOutOfScope(count: totals.logFilesOutOfScope)
        } else {
            notices.remove(at: index)
        }
    }
}
