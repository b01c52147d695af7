extension TrailVerifier {
    /// Loads every digest in scope, the next newer one of each chain (whose previousDigestSignature
    /// signs the newest in scope), and the predecessors that in-scope digests link to.
    func loadDigests(into run: inout RunState, progress: (@Sendable (VerificationProgress) -> Void)?) throws {
        var wanted: [(DigestKeyName, Bool)] = []
        for chain in run.inventory.digestsByChain.keys.sorted() {
            guard let names = run.inventory.digestsByChain[chain] else { continue }
            let inScope = names.indices.filter { scope.includesDigest(endingAt: names[$0].endTime, chain: chain) }
            wanted += inScope.map { (names[$0], true) }
            if let newest = inScope.last, newest + 1 < names.count { wanted.append((names[newest + 1], false)) }
            // A state's head with nothing newer yet: what it lists is verified, though no new
            // digest links to it (its last minutes' log files are this run's to account for).
            if inScope.isEmpty, let head = scope.verifiedHeads[ObjectKey(chainLabel(chain))],
               let index = names.firstIndex(where: { $0.key.sameBytes(as: head.key) }) {
                wanted.append((names[index], false))
            }
        }
        try load(wanted, into: &run, progress: progress)

        // Predecessors outside the scope, so that the links at the window's edge are checked too.
        // One in a location of another batch (a digest copied there), or dated before the day the
        // listing starts at (a state's), is read if it is there: the listing cannot say it is not.
        var edge: [(DigestKeyName, Bool)] = []
        var elsewhere: [(DigestKeyName, Bool)] = []
        var seen = Set(run.indexByKey.keys)
        let listingFloor = RunPlan.listFrom(start: scope.start, heads: scope.verifiedHeads)?.keyDatePath
        for digest in run.loaded where digest.inScope {
            guard let previous = digest.digest?.previous, !seen.contains(ObjectKey(previous.object)),
                  case .digest(let name)? = TrailObjectKey(previous.object) else { continue }
            let beforeListing = listingFloor.map { name.endTime.keyDatePath.bytesPrecede($0) } ?? false
            if run.inventory.digestKeys.contains(ObjectKey(previous.object)) {
                edge.append((name, false))
            } else if !run.inventory.lists(name.chain.location) || beforeListing, (try? DirectoryStore.checkKeyIsSafe(previous.object)) != nil {
                elsewhere.append((name, false))
            } else {
                continue
            }
            seen.insert(ObjectKey(previous.object))
        }
        try load(edge, into: &run, progress: progress)
        try load(elsewhere, into: &run, progress: progress, keepingAbsent: false)

        for (index, digest) in run.loaded.enumerated() {
            run.indicesByChain[digest.name.chain, default: []].append(index)
            guard let content = digest.digest else { continue }
            run.indicesByNamedKey[ObjectKey(content.object), default: []].append(index)
            if let previous = content.previous {
                run.successorsByPreviousKey[ObjectKey(previous.object), default: []].append(index)
            }
        }
        run.checks = Array(repeating: DigestCheck(), count: run.loaded.count)
    }

    private func load(_ names: [(DigestKeyName, Bool)], into run: inout RunState,
                      progress: (@Sendable (VerificationProgress) -> Void)?, keepingAbsent: Bool = true) throws {
        let context = run.loadContext
        let total = names.count
        let loaded = try parallelMap(count: names.count, workers: options.digestWorkers, makeState: { [workers = options.digestWorkers] in
            try GunzipState(workers: workers)
        }, job: { state, index in
            let digest = LoadedDigest.load(names[index].0, inScope: names[index].1, context: context, state: state)
            if index % 64 == 0 { progress?(.digests(done: index, total: total)) }
            return digest
        })
        for digest in loaded {
            if case .failure(.fetchFailed(let detail)) = digest.content { throw StoreError.fetchFailed(detail) }
        }
        run.loaded.reserveCapacity(run.loaded.count + loaded.count)  // held all run long: no room to grow into
        for digest in loaded where run.indexByKey[ObjectKey(digest.name.key)] == nil {
            if !keepingAbsent, case .failure(.absent) = digest.content { continue }
            run.indexByKey[ObjectKey(digest.name.key)] = run.loaded.count
            run.loaded.append(digest)
        }
    }

    /// The bucket given, or each chain's newest parsed digest's digestS3Bucket.
    func decideBuckets(in run: inout RunState) {
        if let bucket = scope.bucket?.name, scope.bucket?.origin == .manifest {
            run.notices.append(.bucketFromManifest(bucket: bucket))
        }
        for chain in run.inventory.digestsByChain.keys.sorted() {
            if let bucket = scope.bucket?.name {
                run.bucketByChain[chain] = bucket
                continue
            }
            let newest = (run.indicesByChain[chain] ?? []).map { run.loaded[$0] }.filter { $0.digest != nil }
                .max { $0.name.endTime < $1.name.endTime }
            guard let newest, let content = newest.digest else { continue }
            run.bucketByChain[chain] = content.bucket
        }
        // One notice per bucket assumed, the same in every batch (the report holds each once).
        if scope.bucket == nil {
            for bucket in Set(run.bucketByChain.values.map { ObjectKey($0) }).sorted() {
                run.notices.append(.bucketAssumed(bucket: bucket.text))
            }
        }
    }

    /// Location, signature source, public key and RSA signature of every loaded digest.
    func checkSignatures(in run: inout RunState) throws {
        var unsigned: [Int] = []
        for index in run.loaded.indices {
            let loaded = run.loaded[index]
            var check = DigestCheck()
            guard case .success(let digest) = loaded.content else {
                if case .failure(let error) = loaded.content { check.add(.malformed, "\(error)") }
                run.checks[index] = check
                continue
            }
            if !digest.object.sameBytes(as: loaded.name.key) {
                check.add(.moved, "found at \(loaded.name.key) but names \(digest.object)")
            }
            if let bucket = run.bucketByChain[loaded.name.chain], !digest.bucket.sameBytes(as: bucket) {
                check.add(.moved, "names bucket \(digest.bucket), but this is a copy of bucket \(bucket)")
            }
            if !digest.signatureAlgorithm.sameBytes(as: DigestSignatureCheck.algorithm) {
                check.add(.malformed, "unsupported digestSignatureAlgorithm \(digest.signatureAlgorithm)")
            }
            if let saved = loaded.savedSignature, let conflict = saved.conflict {
                check.signatureSource = saved.source
                check.signatureRejected = true
                check.add(.signatureInvalid, "the signature saved with it (\(saved.source.rawValue)) cannot be trusted: \(conflict)")
            } else if let saved = loaded.savedSignature {
                check.signatureHex = saved.signatureHex
                check.signatureSource = saved.source
                if let algorithm = saved.algorithm, !algorithm.sameBytes(as: DigestSignatureCheck.algorithm) {
                    check.add(.signatureInvalid, "saved signature algorithm is \(algorithm), not \(DigestSignatureCheck.algorithm)")
                }
            } else if let carrier = successor(of: digest, foundAt: loaded.name.chain.location, in: run) {
                check.signatureHex = run.loaded[carrier].digest?.previous?.signature
                check.signatureSource = .successorDigest
                check.signatureCarrier = carrier
            }
            run.checks[index] = check
            if check.signatureHex == nil && !check.signatureRejected { unsigned.append(index) }
        }
        assignHeadSignatures(to: unsigned, in: &run)
        // The RSA verifications, one digest per job.
        let signed = run.loaded.indices.filter {
            run.loaded[$0].digest != nil && run.loaded[$0].uncompressedSHA256 != nil
                && run.checks[$0].signatureHex != nil && run.checks[$0].signatureSource != nil
        }
        let (loaded, checks, keys) = (run.loaded, run.checks, self.keys)
        let problems = try parallelMap(count: signed.count, workers: options.workers, makeState: { () }, job: { _, job in
            let index = signed[job]
            return DigestSignatureCheck.problem(digest: loaded[index].digest!, uncompressedSHA256: loaded[index].uncompressedSHA256!,
                                                signatureHex: checks[index].signatureHex!, source: checks[index].signatureSource!,
                                                keys: keys, isBackfill: loaded[index].name.chain.isBackfill)
        })
        for (job, index) in signed.enumerated() {
            if let problem = problems[job] { run.checks[index].problems.append(problem) }
        }
        let signedSet = Set(signed)
        for index in run.loaded.indices where !signedSet.contains(index) && !run.checks[index].signatureRejected
            && run.loaded[index].digest != nil && run.loaded[index].uncompressedSHA256 != nil {
            run.checks[index].add(.signatureUnavailable,
                                  "no signature: no saved metadata, no later digest in the chain, and no matching \(names.headSignature)")
        }
    }

    /// The loaded digest whose previous-digest link names `digest`, preferring one whose hash
    /// matches. Only one found in the same location counts: a chain never leaves its location,
    /// so a digest copied into another location is not signed there (and every run, whatever
    /// part of the bucket it holds, says the same of it).
    private func successor(of digest: Digest, foundAt location: TrailLocation, in run: RunState) -> Int? {
        guard let candidates = run.successorsByPreviousKey[ObjectKey(digest.object)]?.filter({ run.loaded[$0].name.chain.location == location })
        else { return nil }
        return candidates.first { run.loaded[$0].digest?.previous?.bucket.sameBytes(as: digest.bucket) == true } ?? candidates.first
    }

    /// Gives each --head-signature to the unsigned digest it verifies. With one signature and one
    /// unsigned digest left, that digest is checked against it (and fails loudly if modified).
    /// A head signature that signs no digest present is a finding: the digest it signs is missing.
    private func assignHeadSignatures(to unsigned: [Int], in run: inout RunState) {
        guard !scope.headSignatures.isEmpty else { return }
        var remaining = scope.headSignatures.map { $0.lowercased() }
        var stillUnsigned: [Int] = []
        for index in unsigned {
            guard let digest = run.loaded[index].digest, let hash = run.loaded[index].uncompressedSHA256 else { continue }
            if let match = remaining.firstIndex(where: {
                DigestSignatureCheck.verifies(digest: digest, uncompressedSHA256: hash, signatureHex: $0, keys: keys)
            }) {
                run.checks[index].signatureHex = remaining.remove(at: match)
                run.checks[index].signatureSource = .headSignature
            } else {
                stillUnsigned.append(index)
            }
        }
        let inScopeUnsigned = stillUnsigned.filter { run.loaded[$0].inScope }
        if remaining.count == 1, inScopeUnsigned.count == 1, let index = inScopeUnsigned.first {
            run.checks[index].signatureHex = remaining.removeFirst()
            run.checks[index].signatureSource = .headSignature
        }
        // A value that is already the established signature of a digest present is no news.
        let established = Set(run.checks.compactMap { $0.signatureHex?.lowercased() })
        for signature in Set(remaining).sorted() where !established.contains(signature) {
            run.missing.append(DigestRecord(
                key: nil, bucket: nil, chain: "(unknown chain)", span: nil, verdict: .missing,
                problems: [.init(kind: .missing, detail: "\(names.headSignature) \(signature.prefix(16))… signs no digest present (it verifies none of the \(unsigned.count) \(unsigned.count == 1 ? "digest" : "digests") left without a signature, the newest of \(unsigned.count == 1 ? "its chain" : "their chains")): the digest it signs was deleted or replaced")],
                signatureSource: .headSignature, publicKeyFingerprint: nil, logFileCount: 0, namedKey: nil, referencedBy: nil,
                inferred: false))
        }
    }

    /// Follows every in-scope digest's link to its predecessor: hash, signature, missing digests,
    /// and chain restarts.
    func checkLinks(in run: inout RunState) {
        for index in run.loaded.indices where run.loaded[index].inScope {
            let loaded = run.loaded[index]
            guard let digest = loaded.digest else { continue }
            guard let previous = digest.previous else {
                recordRestartGap(at: index, digest: digest, in: &run)
                continue
            }
            guard let predecessor = predecessor(named: previous.object, of: loaded, in: run) else {
                // A malformed file at that key is already a finding of its own; it is not missing.
                if let present = run.indexByKey[ObjectKey(previous.object)], case .failure(let error) = run.loaded[present].content {
                    if !run.loaded[present].inScope {
                        run.checks[index].add(.hashLinkBroken, "the previous digest \(previous.object), outside the scope, is malformed: \(error)")
                    }
                    continue
                }
                if let head = scope.verifiedHeads[ObjectKey(chainLabel(loaded.name.chain))], head.key.sameBytes(as: previous.object) {
                    // Verified by an earlier run and gone since: the link is proven against what it recorded.
                    if previous.hashValue != head.sha256 {
                        run.checks[index].add(.hashLinkBroken, "\(loaded.name.key) records previousDigestHashValue \(previous.hashValue), but the head verified by an earlier run, \(head.key), hashed to \(head.sha256)")
                    }
                    if previous.signature != head.signature.lowercased() {
                        run.checks[index].add(.signatureLinkBroken, "\(loaded.name.key) records a previousDigestSignature that differs from the signature of the head verified by an earlier run, \(head.key)")
                    }
                    continue
                }
                if isBeforeClaimedStart(previous.object, linkedFrom: loaded.name.chain, in: run) {
                    run.notices.append(.linkNotFollowed(digest: loaded.name.key, previous: previous.object))
                    continue
                }
                recordMissing(previous.object, referencedBy: loaded, expectedEnd: digest.startTime, in: &run)
                continue
            }
            // An authentic successor proves what its predecessor held, so a mismatch convicts the
            // predecessor; an unauthenticated successor proves nothing and keeps the problem itself
            // (as does one whose predecessor lies outside the scope, so the edge link is reported,
            // and one found in another location than its predecessor, a copy moved there: whether
            // that location is in the same batch or shard must not move the problem).
            let (location, predecessorLocation) = (loaded.name.chain.location, run.loaded[predecessor].name.chain.location)
            let convicts = run.checks[index].isAuthentic && run.loaded[predecessor].inScope && predecessorLocation == location
            let blamed = convicts ? predecessor : index
            let predecessorKey = run.loaded[predecessor].name.key
            if let actual = run.loaded[predecessor].uncompressedSHA256, actual != previous.hashValue {
                run.checks[blamed].add(.hashLinkBroken,
                    "\(loaded.name.key) records previousDigestHashValue \(previous.hashValue), but \(predecessorKey) hashes to \(actual)")
            }
            let predecessorCheck = run.checks[predecessor]
            if let used = predecessorCheck.signatureHex, predecessorCheck.signatureCarrier != index,
               used.lowercased() != previous.signature {
                run.checks[blamed].add(.signatureLinkBroken,
                    "\(loaded.name.key) records a previousDigestSignature that differs from the signature (from \(predecessorCheck.signatureSource?.rawValue ?? "?")) of \(predecessorKey)")
            }
        }
    }

    /// The loaded digest that is `successor`'s predecessor named `key`: the one at that key
    /// naming it, else one at another key of the successor's location that names it (moved
    /// there). One that names it from another location is not taken: that location may be
    /// verified in another batch or shard, and the report must not depend on how locations are
    /// cut; the predecessor is missing where the chain needs it, and the copy is reported
    /// where it lies (moved), as each batch sees it.
    private func predecessor(named key: String, of successor: LoadedDigest, in run: RunState) -> Int? {
        let candidates = run.indicesByNamedKey[ObjectKey(key)] ?? []
        let location = successor.name.chain.location  // compared byte-wise (TrailLocation's ==)
        return candidates.first { run.loaded[$0].name.key.sameBytes(as: key) }
            ?? candidates.first { run.loaded[$0].name.chain.location == location }
    }

    /// Records the missing digest `key` and every further hour back to the next digest present.
    private func recordMissing(_ key: String, referencedBy successor: LoadedDigest, expectedEnd: UTCTime, in run: inout RunState) {
        guard run.missingKeys.insert(ObjectKey(key)).inserted else { return }
        var chain = successor.name.chain
        var end = expectedEnd
        if case .digest(let name)? = TrailObjectKey(key) {
            chain = name.chain
            end = name.endTime
        }
        var detail = "\(successor.name.key) links to it, but it is absent"
        do {
            try DirectoryStore.checkKeyIsSafe(key)
        } catch {
            detail = "\(successor.name.key) links to an unusable key: \(error)"
        }
        guard let older = run.inventory.newestDigest(of: chain, before: end.adding(seconds: -60)) else {
            run.missing.append(missingRecord(key: key, chain: chain, span: TimeSpan(start: end.adding(seconds: -3600), end: end),
                                             referencedBy: successor.name.key, detail: detail, inferred: false))
            return
        }
        // Digests are hourly: the hours between the next older digest present and this one had
        // digests too. The named one is a record; the hours before it are one record for the span
        // (its edges and its count of hours), whatever its length.
        let elapsed = end.secondsSinceEpoch - older.endTime.secondsSinceEpoch
        let hours = max(1, (elapsed + 1800) / 3600)
        let slot = elapsed / hours
        run.missing.append(missingRecord(key: key, chain: chain,
                                         span: TimeSpan(start: end.adding(seconds: -slot), end: end),
                                         referencedBy: successor.name.key, detail: detail, inferred: false))
        guard scope.includesDigest(endingAt: end), hours > 1 else { return }
        // CloudTrail names a digest after its end time: the chain gives every part of the name
        // but that time, which is known only about (hourly from the older digest present).
        let span = TimeSpan(start: older.endTime, end: end.adding(seconds: -slot))
        let firstEnd = older.endTime.adding(seconds: slot)
        let name = ExpectedDigestName(chain: chain, endingBetween: firstEnd.adding(seconds: -ExpectedDigestName.drift),
                                      and: span.end.adding(seconds: ExpectedDigestName.drift), estimatedEnd: firstEnd,
                                      bounds: TimeSpan(start: older.endTime, end: end))
        let what = hours == 2
            ? "no digest covers the hour from \(span.start.iso8601) to about \(span.end.iso8601) between \(older.key) and \(key): its digest, named after its end time, is absent: expected \(name.pattern) (ending about \(firstEnd.iso8601); the exact second is in no surviving digest)"
            : "no digest covers these \(hours - 1) hours from \(span.start.iso8601) to about \(span.end.iso8601) between \(older.key) and \(key): their digests, named after their end times, are absent: expected \(name.pattern) (the first ending about \(firstEnd.iso8601), then hourly)"
        var inferred = missingRecord(key: nil, chain: chain, span: span, referencedBy: nil,
                                     detail: what + "; deleted, or logging was off", inferred: true)
        inferred.hours = Int(hours - 1)
        inferred.expectedKey = name.pattern
        run.missing.append(inferred)
    }

    private func missingRecord(key: String?, chain: ChainID, span: TimeSpan, referencedBy: String?, detail: String,
                               inferred: Bool) -> DigestRecord {
        DigestRecord(key: key, bucket: nil, chain: chainLabel(chain), span: span, verdict: .missing,
                     problems: [.init(kind: .missing, detail: detail)], signatureSource: nil, publicKeyFingerprint: nil,
                     logFileCount: 0, namedKey: nil, referencedBy: referencedBy, inferred: inferred)
    }

    /// A regular chain that starts again while older digests of the trail exist leaves a gap.
    private func recordRestartGap(at index: Int, digest: Digest, in run: inout RunState) {
        let loaded = run.loaded[index]
        guard !loaded.name.chain.isBackfill else { return }
        let older: (key: String, endTime: UTCTime)
        if let present = run.inventory.newestDigest(of: loaded.name.chain, before: loaded.name.endTime) {
            older = (present.key, present.endTime)
        } else if let head = scope.verifiedHeads[ObjectKey(chainLabel(loaded.name.chain))], head.endTime < loaded.name.endTime {
            older = (head.key, head.endTime)
        } else {
            return
        }
        let span = TimeSpan(start: older.endTime, end: max(older.endTime, digest.startTime))
        run.gaps.append(GapRecord(
            chain: chainLabel(loaded.name.chain), kind: .chainRestart, span: span,
            detail: "the chain starts again at \(loaded.name.key) (previous-digest fields null) after \(older.key): no integrity coverage from \(span.text)",
            digestBefore: older.key, digestAfter: loaded.name.key))
    }
}
