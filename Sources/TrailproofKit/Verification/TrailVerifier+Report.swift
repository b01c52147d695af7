extension TrailVerifier {
    /// Turns the run's state into the report, with totals and exit status.
    func assembleReport(from run: RunState) -> VerificationReport {
        var digests: [DigestRecord] = []
        for index in run.loaded.indices where run.loaded[index].inScope {
            let loaded = run.loaded[index]
            let check = run.checks[index]
            let content = loaded.digest
            let problems = check.problems.sorted { $0.kind.precedence < $1.kind.precedence }
            digests.append(DigestRecord(
                key: loaded.name.key, bucket: content?.bucket, chain: chainLabel(loaded.name.chain),
                span: content?.span ?? TimeSpan(start: loaded.name.endTime.adding(seconds: -3600), end: loaded.name.endTime),
                verdict: check.verdict, problems: problems, signatureSource: check.signatureSource,
                publicKeyFingerprint: content?.publicKeyFingerprint, logFileCount: content?.logFileCount ?? 0,
                namedKey: content.map(\.object).flatMap { $0 == loaded.name.key ? nil : $0 },
                referencedBy: nil, inferred: false))
        }
        digests += run.missing
        digests.sort { ($0.chain, $0.span?.end ?? UTCTime(secondsSinceEpoch: 0), $0.key ?? "") < ($1.chain, $1.span?.end ?? UTCTime(secondsSinceEpoch: 0), $1.key ?? "") }

        // Sort indices, not the records: moving large records is what a sort of 10^4+ of them costs.
        let records = run.logRecords
        let logFiles = records.indices.sorted {
            (records[$0].key, records[$0].digest ?? "") < (records[$1].key, records[$1].digest ?? "")
        }.map { records[$0] }
        let gaps = run.gaps.sorted { ($0.chain, $0.span.start) < ($1.chain, $1.span.start) }

        var chains: [ChainSummary] = []
        var recordsByChain: [String: [DigestRecord]] = [:]
        for record in digests where !record.inferred && record.verdict != .missing { recordsByChain[record.chain, default: []].append(record) }
        for chain in run.inventory.digestsByChain.keys.sorted() {
            let label = chainLabel(chain)
            let mine = recordsByChain[label] ?? []
            chains.append(ChainSummary(
                id: label, chain: chain, bucket: run.bucketByChain[chain] ?? "", digests: mine.count,
                validDigests: mine.filter { $0.verdict == .valid }.count,
                newestDigest: mine.last?.key, oldestDigest: mine.first?.key, coverage: coverage(of: chain, in: run)))
        }

        var totals = VerificationReport.Totals()
        totals.chains = chains.count
        totals.digests = digests.count
        totals.digestsValid = digests.filter { $0.verdict == .valid }.count
        for record in digests { totals.digestsByVerdict[record.verdict.rawValue, default: 0] += 1 }
        let listedLogs = logFiles.filter { $0.digest != nil }
        totals.logFiles = listedLogs.count
        totals.logFilesValid = listedLogs.filter { $0.verdict == .valid }.count
        for record in logFiles { totals.logFilesByVerdict[record.verdict.rawValue, default: 0] += 1 }
        totals.logFileBytesHashed = logFiles.reduce(0) { $0 + ($1.uncompressedBytes ?? 0) }
        totals.gaps = gaps.count
        totals.missingDigestHours = digests.filter { $0.verdict == .missing }.reduce(0) { $0 + ($1.hours ?? 1) }
        totals.logFilesOutOfScope = run.logFilesOutOfScope
        let objects = run.objects.sorted { ($0.key, $0.verdict.rawValue, $0.detail) < ($1.key, $1.verdict.rawValue, $1.detail) }
        totals.objectFindings = objects.count
        totals.findings = digests.filter { $0.verdict != .valid }.count + logFiles.filter { $0.verdict.isFinding }.count
            + (options.allowGaps ? 0 : gaps.count) + objects.count
        let validSpans = chains.flatMap(\.coverage)
        if let start = validSpans.map(\.start).min(), let end = validSpans.map(\.end).max() {
            totals.coveredSpan = TimeSpan(start: start, end: end)
        }
        totals.exitStatus = totals.findings > 0 ? 1 : 0

        var notices = run.notices
        if run.inventory.otherObjects > 0 {
            notices.append("\(run.inventory.otherObjects) objects outside CloudTrail's trail folders were ignored")
            for folder in run.inventory.ignoredByFolder.keys.sorted() {
                notices.append("ignored \(run.inventory.ignoredByFolder[folder] ?? 0) objects under \(folder)")
            }
        }
        if let selection = options.trailSelection {
            let trail = selection.trail
            var text = "trail \(trail.arn) (DescribeTrails): \(trail.url), home region \(trail.homeRegion), \(trail.isMultiRegion ? "all regions" : "its home region only")"
            if trail.isOrganizationTrail {
                text += ", organization trail, " + (selection.accounts.isEmpty ? "every member account" : "accounts " + selection.accounts.sorted().joined(separator: ", "))
            }
            notices.append(text)
            if run.inventory.otherTrailObjects > 0 {
                notices.append("\(run.inventory.otherTrailObjects) objects of other trails, accounts or regions were ignored")
            }
        }
        if run.logFilesOutOfScope > 0 {
            notices.append("\(run.logFilesOutOfScope) log files listed by no digest in scope lie outside the requested window and were not checked")
        }
        let window = options.digestEndTimeWindow
        let scope = VerificationReport.Scope(
            source: store.displayName, bucket: options.bucket, bucketAssumed: options.bucket == nil,
            start: options.start, end: options.end,
            digestEndTimeWindow: (window.lower != nil || window.upper != nil)
                ? TimeSpan(start: window.lower ?? UTCTime(secondsSinceEpoch: 0), end: window.upper ?? UTCTime(secondsSinceEpoch: 253_402_300_799))
                : nil,
            publicKeyFingerprints: keys.keys.map(\.fingerprint), publicKeySources: options.publicKeySources.map(\.description),
            publicKeysFromEvidence: options.publicKeySources.contains { $0.isInsideEvidence },
            referenceTime: referenceTime(in: run), trailARN: options.trailSelection?.trail.arn.text, gapsAllowed: options.allowGaps)
        return VerificationReport(
            tool: .init(name: "trailproof", version: TrailproofVersion.current), scope: scope, chains: chains,
            digests: digests, logFiles: logFiles, gaps: gaps, objects: objects, notices: notices, totals: totals)
    }
}

/// The version of trailproof.
public enum TrailproofVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}

extension TrailVerifier {
    /// Each chain's head after this run (see `runWithHeads`).
    func nextHeads(from run: RunState) -> [String: TrailState.Head] {
        var heads = options.verifiedHeads
        // A digest whose own log files are not all valid keeps the head before it: the finding is
        // verified, and reported, again by every later run until it is resolved.
        var digestsWithLogFindings = Set<String>()
        for record in run.logRecords where record.verdict != .valid { if let digest = record.digest { digestsWithLogFindings.insert(digest) } }
        for chain in run.inventory.digestsByChain.keys {
            let label = chainLabel(chain)
            let inScope = (run.indicesByChain[chain] ?? [])
                .filter { run.loaded[$0].inScope }
                .sorted { run.loaded[$0].name.endTime < run.loaded[$1].name.endTime }
            for index in inScope {
                let loaded = run.loaded[index], check = run.checks[index]
                guard check.verdict == .valid, !digestsWithLogFindings.contains(loaded.name.key),
                      let hash = loaded.uncompressedSHA256, let signature = check.signatureHex,
                      run.missing.allSatisfy({ $0.referencedBy != loaded.name.key }) else { break }
                heads[label] = TrailState.Head(key: loaded.name.key, endTime: loaded.name.endTime, sha256: hash,
                                               signature: signature.lowercased(), location: chain.location)
            }
        }
        return heads
    }
}
