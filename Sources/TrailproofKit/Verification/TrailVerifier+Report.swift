extension TrailVerifier {
    /// Turns the run's state into a part of the run's report: its records and notices, and what
    /// it counted without listing (the totals are the `ReportAssembler`'s, counted once).
    func assemblePart(from run: RunState) -> RunPart {
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

        // Put in order, once each, by the `ReportAssembler`.
        var notices = run.notices
        if run.inventory.otherObjects > 0 {
            notices.append(.objectsOutsideTrailFolders(count: run.inventory.otherObjects))
            for folder in run.inventory.ignoredByFolder.keys.sorted() {
                notices.append(.objectsIgnored(folder: folder.text, count: run.inventory.ignoredByFolder[folder] ?? 0))
            }
        }
        if let selection = scope.trailSelection {
            let trail = selection.trail
            notices.append(.trailSelected(arn: "\(trail.arn)", url: "\(trail.url)", homeRegion: "\(trail.homeRegion)", allRegions: trail.isMultiRegion,
                                          organizationAccounts: trail.isOrganizationTrail ? selection.accounts.sorted() : nil))
            if run.inventory.otherTrailObjects > 0 {
                notices.append(.otherTrailObjectsIgnored(count: run.inventory.otherTrailObjects))
            }
        }
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
        // Counted (chains above, the totals by the assembler); listed only when asked for.
        var unlistedValid = run.unlistedValid
        if !options.listsValidDigests {
            let valid = digests.filter { $0.verdict == .valid }
            unlistedValid.digests += valid.count
            unlistedValid.digestSignatureSources.merge(VerificationReport.signatureSources(of: valid), uniquingKeysWith: +)
            digests.removeAll { $0.verdict == .valid }
        }
        var findings = VerificationReport(
            tool: .init(name: "trailproof", version: TrailproofVersion.current), scope: reportScope, chains: chains,
            digests: digests, logFiles: logFiles, gaps: gaps, objects: objects, notices: notices, totals: VerificationReport.Totals())
        findings.inputNames = names
        return RunPart(findings: findings, unlistedValid: unlistedValid, logFilesOutOfScope: run.logFilesOutOfScope,
                       logFilesBeforeHeads: run.logFilesBeforeHeads)
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
