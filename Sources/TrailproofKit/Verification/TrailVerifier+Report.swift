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
                namedKey: content.map(\.object).flatMap { $0.sameBytes(as: loaded.name.key) ? nil : $0 },
                referencedBy: nil, inferred: false))
        }
        digests += run.missing
        digests = VerificationReport.sortedDigests(digests)
        let logFiles = run.logRecords  // sorted by `runWithHeads` in place, shared, not copied
        let gaps = VerificationReport.sortedGaps(run.gaps)

        var chains: [ChainSummary] = []
        var recordsByChain: [ObjectKey: [DigestRecord]] = [:]
        for record in digests where !record.inferred && record.verdict != .missing { recordsByChain[ObjectKey(record.chain), default: []].append(record) }
        for chain in run.inventory.digestsByChain.keys.sorted() {
            let label = chainLabel(chain)
            let mine = recordsByChain[ObjectKey(label)] ?? []
            chains.append(ChainSummary(
                id: label, chain: chain, bucket: run.bucketByChain[chain] ?? "", digests: mine.count,
                validDigests: mine.filter { $0.verdict == .valid }.count,
                newestDigest: mine.last?.key, oldestDigest: mine.first?.key, coverage: coverage(of: chain, in: run)))
            chains[chains.count - 1].verifiedThroughHead = scope.verifiedHeads[ObjectKey(label)]?.endTime
        }

        let objects = VerificationReport.sortedObjects(run.objects)
        let totals = VerificationReport.Totals(chains: chains, digests: digests, logFiles: logFiles, gaps: gaps, objects: objects,
                                               logFilesOutOfScope: run.logFilesOutOfScope, gapsAllowed: options.allowGaps,
                                               unlistedValid: run.unlistedValid)

        // Sorted, the count of unchecked log files last: a merge of shard reports rebuilds the same list.
        var notices = run.notices
        if run.inventory.otherObjects > 0 {
            notices.append("\(run.inventory.otherObjects) objects outside CloudTrail's trail folders were ignored")
            for folder in run.inventory.ignoredByFolder.keys.sorted() {
                notices.append("ignored \(run.inventory.ignoredByFolder[folder] ?? 0) objects under \(folder.text)")
            }
        }
        if let selection = scope.trailSelection {
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
        notices = Array(Set(notices.map { ObjectKey($0) })).sorted().map(\.text)
        if let outOfScope = VerificationReport.outOfScopeNotice(run.logFilesOutOfScope) { notices.append(outOfScope) }
        let window = scope.digestEndTimeWindow
        let reportScope = VerificationReport.Scope(
            source: store.displayName, bucket: scope.bucket?.name, bucketAssumed: scope.bucket == nil,
            start: scope.start, end: scope.end,
            digestEndTimeWindow: (window.lower != nil || window.upper != nil)
                ? TimeSpan(start: window.lower ?? UTCTime(secondsSinceEpoch: 0), end: window.upper ?? UTCTime(secondsSinceEpoch: 253_402_300_799))
                : nil,
            publicKeyFingerprints: keys.keys.map(\.fingerprint), publicKeySources: trust.sources.map(\.description),
            publicKeysFromEvidence: trust.isInsideEvidence,
            referenceTime: reportedReferenceTime, runID: scope.runID, trailARN: scope.trailSelection?.trail.arn.text, gapsAllowed: options.allowGaps,
            listsValidLogFiles: options.listsValidLogFiles, listsValidDigests: options.listsValidDigests, authorities: trust.authorities)
        // Counted above (totals, chains); listed only when asked for.
        if !options.listsValidDigests { digests.removeAll { $0.verdict == .valid } }
        return VerificationReport(
            tool: .init(name: "trailproof", version: TrailproofVersion.current), scope: reportScope, chains: chains,
            digests: digests, logFiles: logFiles, gaps: gaps, objects: objects, notices: notices, totals: totals)
    }
}

/// The version of trailproof.
public enum TrailproofVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}

extension TrailVerifier {
    /// The head after this run of each chain of `run` that has one (see `runWithHeads`).
    func nextHeads(from run: RunState) -> [ObjectKey: TrailState.Head] {
        var heads: [ObjectKey: TrailState.Head] = [:]
        // A digest whose own log files are not all valid keeps the head before it: the finding is
        // verified, and reported, again by every later run until it is resolved.
        var digestsWithLogFindings = Set<ObjectKey>()
        for record in run.logRecords where record.verdict != .valid { if let digest = record.digest { digestsWithLogFindings.insert(ObjectKey(digest)) } }
        for chain in run.inventory.digestsByChain.keys {
            let label = chainLabel(chain)
            let inScope = (run.indicesByChain[chain] ?? [])
                .filter { run.loaded[$0].inScope }
                .sorted { run.loaded[$0].name.endTime < run.loaded[$1].name.endTime }
            for index in inScope {
                let loaded = run.loaded[index], check = run.checks[index]
                guard check.verdict == .valid, !digestsWithLogFindings.contains(ObjectKey(loaded.name.key)),
                      let hash = loaded.uncompressedSHA256, let signature = check.signatureHex,
                      run.missing.allSatisfy({ !$0.referencedBy.sameBytes(as: loaded.name.key) }) else { break }
                heads[ObjectKey(label)] = TrailState.Head(key: loaded.name.key, endTime: loaded.name.endTime, sha256: hash,
                                               signature: signature.lowercased(), location: chain.location)
            }
        }
        return heads
    }
}
