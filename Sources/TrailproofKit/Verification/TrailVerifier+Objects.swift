extension TrailVerifier {
    /// Every object in a trail folder that CloudTrail did not name is a finding, each by its key;
    /// so are the findings made before the run.
    func findUnexpectedObjects(in run: inout RunState) {
        run.objects += scope.priorFindings
        for (key, reason) in run.inventory.unexpected {
            run.objects.append(ObjectRecord(key: key, verdict: .unexpected, detail: reason))
        }
    }

    /// A saved signature whose digest is not there is a finding.
    func findOrphanSidecars(in run: inout RunState) {
        for sidecar in run.inventory.orphanSidecars {
            run.objects.append(ObjectRecord(key: sidecar.key, verdict: .unexpected, detail: sidecar.reason))
        }
    }

    /// Holds an archive's manifest to what the archive holds: its prefix, its window and the
    /// coverage it claims, chain by chain (its creation time: `checkArchiveCreation`). The manifest chooses nothing; a mismatch is a finding.
    func checkArchiveClaim(in run: inout RunState) {
        guard let claim = scope.archiveClaim else { return }
        func mismatch(_ detail: String) {
            run.objects.append(ObjectRecord(key: claim.key, verdict: .manifestMismatch, detail: detail))
        }
        let prefix = claim.prefix.hasByteSuffix("/") || claim.prefix.isEmpty ? claim.prefix : claim.prefix + "/"
        var outside: Set<ObjectKey> = []
        for chain in run.inventory.digestsByChain.keys where !chain.location.accountFolder.hasBytePrefix(prefix) {
            outside.insert(ObjectKey(chain.location.accountFolder))
        }
        for location in run.inventory.logFilesByLocation.keys where !location.accountFolder.hasBytePrefix(prefix) {
            outside.insert(ObjectKey(location.accountFolder))
        }
        for folder in outside.sorted() {
            mismatch("it says the archive copies s3://\(claim.bucket)/\(claim.prefix), but it holds trail objects under \(folder)")
        }

        for chain in run.inventory.digestsByChain.keys.sorted() {
            let names = run.inventory.digestsByChain[chain] ?? []
            // An archive keeps one digest on each side of its window, for the links at its edges.
            if let start = claim.start, names.filter({ $0.endTime < start }).count > 1 {
                mismatch("it says the archive starts at \(start.iso8601), but chain \(chainLabel(chain)) has more than one digest before that")
            }
            if let end = claim.end, names.filter({ $0.endTime > end.adding(seconds: RunScope.digestReachAfterEnd) }).count > 1 {
                mismatch("it says the archive ends at \(end.iso8601), but chain \(chainLabel(chain)) has more than one digest after that")
            }
            if let end = claim.end, !chain.isBackfill {
                let required = min(end, claim.createdAt.adding(seconds: -VerificationOptions.digestDeliveryDeadline))
                let covered = coverage(of: chain, in: run).last?.end
                if covered.map({ $0 < required }) ?? true {
                    mismatch("it says the archive covers up to \(end.iso8601), but verified coverage of chain \(chainLabel(chain)) ends \(covered.map { "at \($0.iso8601)" } ?? "nowhere")")
                }
            }
        }
    }

    /// Holds an archive's stated creation time to the newest object it holds, and refuses an
    /// archive whose copy stopped part way.
    func checkArchiveCreation(in run: inout RunState) {
        guard let claim = scope.archiveClaim else { return }
        if !claim.isComplete {
            run.objects.append(ObjectRecord(key: claim.key, verdict: .manifestMismatch,
                detail: "the archive was not finished: `trailproof archive` stopped part way (it marks its manifest complete only when the copy has ended), so objects may be missing; run the archive again to finish it"))
        }
        let newest = run.inventory.newestObjectTime
        if claim.createdAt < newest {
            run.objects.append(ObjectRecord(key: claim.key, verdict: .manifestMismatch,
                detail: "it says the archive was made at \(claim.createdAt.iso8601), before the newest object it holds (\(newest.iso8601))"))
        }
    }

    /// True when the digest named `key`, absent, that a digest of `chain` links to lies before
    /// the start an archive claims, no --start was given, and no digest of `chain` present ends
    /// at or before it: the archive's history begins after it, which is said, not hidden. An
    /// older digest present means the absent one lay inside what was copied: it was deleted
    /// from the middle of the chain, and the manifest (a claim, never a filter) excuses nothing.
    func isBeforeClaimedStart(_ key: String, linkedFrom chain: ChainID, in run: RunState) -> Bool {
        guard scope.start == nil, let start = scope.archiveClaim?.start,
              case .digest(let name)? = TrailObjectKey(key), name.endTime < start else { return false }
        let present = run.inventory.digestsByChain[chain] ?? []
        return !present.contains { $0.endTime <= name.endTime }
    }
}
