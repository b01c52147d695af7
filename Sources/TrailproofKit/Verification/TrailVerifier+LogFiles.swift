extension TrailVerifier {
    /// Builds the log file lists of the digests that proved authentic after loading (signed by
    /// their successor or a --head-signature); unauthenticated digests' lists are never built.
    /// With `ending`, only those of the digests ending in that span.
    func buildLogFileLists(in run: inout RunState, ending span: DigestEndSpan = .always) throws {
        let pending = run.loaded.indices.filter {
            run.checks[$0].isAuthentic && !run.loaded[$0].logFilesParsed && run.loaded[$0].digest != nil
                && span.contains(run.loaded[$0].name.endTime)
        }
        let context = run.loadContext
        let snapshot = pending.map { run.loaded[$0] }
        let rebuilt = try parallelMap(count: snapshot.count, workers: options.digestWorkers, makeState: { try GunzipState() }, job: { state, index in
            var digest = snapshot[index]
            digest.parseLogFiles(context, state: state)
            return digest
        })
        for (offset, index) in pending.enumerated() {
            if case .failure(.fetchFailed(let detail)) = rebuilt[offset].content { throw StoreError.fetchFailed(detail) }
            run.loaded[index] = rebuilt[offset]
            if case .failure(let error) = rebuilt[offset].content { run.checks[index].add(.malformed, "\(error)") }
        }
    }

    /// Hashes every log file listed by an in-scope digest that proved authentic and vouches for
    /// its log files; lists the others as unverified. Returns which of the inventory's log files
    /// an authentic digest lists.
    /// With a consumer, files are read in release order (chain, time, key) and each valid one is
    /// handed to it from the same read.
    func checkLogFiles(in run: inout RunState, consumer: (any VerifiedLogFileConsumer)?,
                       progress: (@Sendable (VerificationProgress) -> Void)?) throws -> ListedLogFiles {
        let (jobs, listed) = logFileJobs(in: &run, inReleaseOrder: consumer != nil)
        run.add(try hashLogFiles(jobs, consumer: consumer, progress: progress))
        return listed
    }

    /// Hashes `jobs`, handing each valid file a consumer wants to it, in job order.
    func hashLogFiles(_ jobs: [LogHashCheck.Job], consumer: (any VerifiedLogFileConsumer)?,
                      progress: (@Sendable (VerificationProgress) -> Void)?) throws -> LogHashCheck.Results {
        var check = LogHashCheck(store: store, workers: options.workers)
        check.keepsValid = options.listsValidLogFiles
        check.limits = LogHashCheck.SizeLimits(compressed: options.logFileCompressedLimit, uncompressed: options.logFileUncompressedLimit)
        return try check.run(jobs, consumer: consumer, progress: progress)
    }

    /// The log files to hash: every one listed by an in-scope digest that proved authentic and
    /// vouches for its log files (in release order, chain, time, key, when asked); the others
    /// listed are recorded in `run` as unverified, unless one of those digests lists them too.
    /// Also returns which of the inventory's log files an authentic digest lists.
    /// With `ending`, only the digests ending in that span get their log files checked (the lists
    /// of the others count as listing what they list), and every list is dropped afterwards, to
    /// be built again if needed.
    func logFileJobs(in run: inout RunState, inReleaseOrder: Bool, ending span: DigestEndSpan? = nil)
        -> (jobs: [LogHashCheck.Job], listed: ListedLogFiles) {
        var jobs: [LogHashCheck.Job] = []
        var unverified: [LogFileRecord] = []
        var listed = ListedLogFiles(run.inventory.logFilesByLocation)
        jobs.reserveCapacity(run.loaded.indices.reduce(0) { count, index in
            count + (run.loaded[index].logFilesParsed ? run.loaded[index].digest?.logFiles.count ?? 0 : 0)
        })
        // What the digests outside the span that vouch for their log files list, kept only when
        // a digest in it lists log files it cannot vouch for (see the end).
        let checksVouchedOutside = run.loaded.indices.contains { index in
            run.loaded[index].logFilesParsed && run.loaded[index].inScope && (span?.contains(run.loaded[index].name.endTime) ?? true)
                && !run.checks[index].verdict.vouchesForLogFiles
        }
        var vouchedOutside: [ObjectKey] = []
        for index in run.loaded.indices {
            let loaded = run.loaded[index]
            guard let digest = loaded.digest, loaded.logFilesParsed else { continue }
            defer { if span == nil { run.loaded[index].releaseLogFileList() } else { run.loaded[index].dropLogFileList() } }
            guard loaded.inScope, span?.contains(loaded.name.endTime) ?? true else {
                let vouches = checksVouchedOutside && run.checks[index].verdict.vouchesForLogFiles
                for entry in digest.logFiles {
                    listed.mark(entry.object, by: loaded.name.chain.location)
                    if vouches { vouchedOutside.append(ObjectKey(entry.object)) }
                }
                continue
            }
            let verdict = run.checks[index].verdict
            let location = loaded.name.chain.location  // TrailLocation: compared as bytes
            let bucket = run.bucketByChain[loaded.name.chain] ?? digest.bucket
            let proof = LogHashCheck.Proof(digestKey: loaded.name.key, digestBucket: digest.bucket, digestEnd: digest.endTime,
                                           chain: loaded.name.chain, signatureSource: run.checks[index].signatureSource,
                                           publicKeyFingerprint: digest.publicKeyFingerprint, logFileBucket: bucket)
            for entry in digest.logFiles {
                let minute = listed.mark(entry.object, by: location)
                let isInBucket = entry.bucket.sameBytes(as: bucket)
                let entryTime = minute ?? logTime(entry: entry) ?? digest.endTime
                var reason: String?
                if !verdict.vouchesForLogFiles {
                    // A log file of another location is judged there, by its own digests (a
                    // digest moved or copied here lists its old location's log files).
                    if let home = TrailObjectKey.locationAndTime(ofKey: entry.object)?.location, home != location { continue }
                    reason = "listed by digest \(loaded.name.key), which failed verification (\(verdict.rawValue))"
                } else if !isInBucket {
                    reason = "listed in bucket \(entry.bucket), not in this copy of bucket \(bucket)"
                } else if !entry.hashAlgorithm.sameBytes(as: "SHA-256") {
                    reason = "unsupported hashAlgorithm \(entry.hashAlgorithm)"
                }
                if let reason {
                    // The bucket's one string when the bytes are its own: one copy for all records.
                    unverified.append(LogFileRecord(
                        key: entry.object, bucket: isInBucket ? bucket : entry.bucket, digest: loaded.name.key, verdict: .unverified,
                        detail: reason, expectedSHA256: entry.hashValue, actualSHA256: nil, uncompressedBytes: nil, time: entryTime))
                } else {
                    jobs.append(.init(object: entry.object, hashValue: entry.hashValue, time: entryTime, proof: proof))
                }
            }
        }
        if !unverified.isEmpty {
            // A log file that an authentic digest vouches for is judged by its hash alone (here,
            // or with the group of that digest's span): a copy of that digest under another name
            // (moved) lists it too, and would count it twice, once valid and once unverified.
            let keys = Set(unverified.map { ObjectKey($0.key) })
            let hashed = Set(jobs.lazy.map { ObjectKey($0.object) }.filter(keys.contains) + vouchedOutside.filter(keys.contains))
            run.logRecords += unverified.filter { !hashed.contains(ObjectKey($0.key)) }
        }
        if inReleaseOrder {
            jobs.sort(by: LogHashCheck.Job.releaseOrder)
        }
        return (jobs, listed)
    }

    /// Which of an inventory's log files authentic digests list. A log file is listed only by a
    /// digest of its own location (CloudTrail lists an account and region's log files in that
    /// account and region's digests): one that only a digest found in another location lists
    /// (moved there) is unlisted in its own, whether or not that location is verified in the
    /// same batch, so that how locations are cut into batches or shards changes no verdict.
    struct ListedLogFiles {
        /// The inventory's lists (shared, not copied), their locations, and a flag for each of their names.
        private var names: [[LogFileKeyName]] = []
        private var locations: [TrailLocation] = []
        private var isListed: [[Bool]] = []
        private var indexByLocation: [TrailLocation: Int] = [:]
        private var positionByKey: [ObjectKey: (list: Int32, index: Int32)] = [:]

        init(_ logFilesByLocation: [TrailLocation: [LogFileKeyName]]) {
            positionByKey.reserveCapacity(logFilesByLocation.values.reduce(0) { $0 + $1.count })
            for (location, located) in logFilesByLocation {
                let list = Int32(names.count)
                indexByLocation[location] = names.count
                names.append(located)
                locations.append(location)
                isListed.append(Array(repeating: false, count: located.count))
                for (index, name) in located.enumerated() { positionByKey[ObjectKey(name.key)] = (list, Int32(index)) }
            }
        }

        /// Notes that a digest of `location` lists `key`; returns the delivery minute of the
        /// inventory's name for it, when it has one in that location.
        @discardableResult
        mutating func mark(_ key: String, by location: TrailLocation) -> UTCTime? {
            guard let (list, index) = positionByKey[ObjectKey(key)], locations[Int(list)] == location else { return nil }
            isListed[Int(list)][Int(index)] = true
            return names[Int(list)][Int(index)].deliveryMinute
        }

        /// Whether each log file of `location`'s list in the inventory is listed, by position;
        /// nil when the inventory has no list for it (none is listed).
        func flags(of location: TrailLocation) -> [Bool]? {
            indexByLocation[location].map { isListed[$0] }
        }
    }

    private func logTime(entry: LogFileEntry) -> UTCTime? {
        if case .logFile(let name)? = TrailObjectKey(entry.object) { return name.deliveryMinute }
        return nil
    }

    /// Accounts for every log file present that no authentic digest lists: each one is a finding,
    /// a notice (it may still be waiting for its digest, or predates validation), or out of the
    /// requested scope (counted).
    func findUnreferencedLogFiles(in run: inout RunState, listed: ListedLogFiles) {
        let tolerance = options.deliveryTolerance
        let newestAuthenticated = newestAuthenticatedEnds(in: run)
        // In scope: in the window, and after what an earlier run (--state) verified at its
        // location (for a recheck: before it, the exact complement).
        let verifiedThrough = TrailState.verifiedThrough(scope.verifiedHeads)
        let pastThrough = TrailState.verifiedThrough(scope.pastThrough)
        func isBefore(_ through: UTCTime, _ time: UTCTime) -> Bool { time < through.adding(seconds: -tolerance) }
        func isBeforeVerifiedHead(_ time: UTCTime, at location: TrailLocation) -> Bool {
            verifiedThrough[location].map { isBefore($0, time) } ?? false
        }
        func inScope(_ time: UTCTime, at location: TrailLocation) -> Bool {
            if isBeforeVerifiedHead(time, at: location) { return false }
            if !pastThrough.isEmpty {
                if let through = pastThrough[location] {
                    guard isBefore(through, time) else { return false }
                } else if !scope.isBeforePastFloor(time) {
                    return false
                }
            }
            return scope.includesLogFile(deliveredAt: time)
        }
        // Counted, and by minute when it lies before its location's head (a recheck that then
        // verifies that minute's day again takes it out of the count: `adding(recheck:days:)`).
        func countOutOfScope(_ time: UTCTime, at location: TrailLocation) {
            run.logFilesOutOfScope += 1
            if isBeforeVerifiedHead(time, at: location) { run.logFilesBeforeHeads[time, default: 0] += 1 }
        }
        var failedByLocation: [TrailLocation: [(span: TimeSpan, payload: (key: String, verdict: DigestVerdict))]] = [:]
        for failed in unprovenDigestSpans(in: run) {
            failedByLocation[failed.location, default: []].append((failed.span, (failed.key, failed.verdict)))
        }
        let failedIndex = failedByLocation.mapValues { SpanIndex($0) }
        // Gaps by the location of their chain: a gap elsewhere says nothing about this log file.
        var locationByChainLabel: [ObjectKey: TrailLocation] = [:]
        for chain in run.inventory.digestsByChain.keys { locationByChainLabel[ObjectKey(chainLabel(chain))] = chain.location }
        var gapsByLocation: [TrailLocation: [(span: TimeSpan, payload: Void)]] = [:]
        for gap in run.gaps {
            guard let location = locationByChainLabel[ObjectKey(gap.chain)] else { continue }
            gapsByLocation[location, default: []].append((gap.span, ()))
        }
        let gapIndex = gapsByLocation.mapValues { SpanIndex($0) }
        var digestEnds: [TrailLocation: [UTCTime]] = [:]
        var firstStarts: [TrailLocation: UTCTime] = [:]
        for (chain, names) in run.inventory.digestsByChain {
            digestEnds[chain.location, default: []] += names.map(\.endTime)
        }
        for index in run.loaded.indices {
            guard let start = run.loaded[index].digest?.startTime else { continue }
            let location = run.loaded[index].name.chain.location
            firstStarts[location] = min(firstStarts[location] ?? start, start)
        }
        for location in run.inventory.logFilesByLocation.keys.sorted() {
            let logFiles = run.inventory.logFilesByLocation[location] ?? []
            let ends = (digestEnds[location] ?? []).sorted()
            // The bucket of the location's first chain (in chain order, so the report is the same every run).
            let bucket = run.bucketByChain.keys.filter { $0.location == location }.min().flatMap { run.bucketByChain[$0] }
                ?? scope.bucket?.name ?? ""
            // The location's flags looked up once, and a name copied only when it is not listed.
            let isListed = listed.flags(of: location)
            for position in logFiles.indices where !(isListed?[position] ?? false) {
                let logFile = logFiles[position]
                let time = logFile.deliveryMinute
                func record(_ verdict: LogFileVerdict, _ detail: String) {
                    run.logRecords.append(LogFileRecord(
                        key: logFile.key, bucket: bucket, digest: nil, verdict: verdict, detail: detail,
                        expectedSHA256: nil, actualSHA256: nil, uncompressedBytes: nil, time: time))
                }
                guard let newest = ends.last, let oldest = ends.first else {
                    guard inScope(time, at: location) else { countOutOfScope(time, at: location); continue }
                    record(.unreferenced, "no digest at all under \(location.accountFolder)CloudTrail-Digest/\(location.region)/: nothing vouches for this log file")
                    continue
                }
                if time > newest.adding(seconds: -tolerance) {
                    // After the newest digest present: waiting for its digest, or its digest is gone.
                    guard inScope(time, at: location) else { countOutOfScope(time, at: location); continue }
                    let reference = referenceTime(of: location, newestAuthenticated: newestAuthenticated)
                    if let reason = overdueReason(deliveredAt: time, newest: newest, newestAuthenticated: newestAuthenticated[location],
                                                  reference: reference) {
                        record(.unreferenced, reason)
                    } else {
                        record(.notYetCovered, "delivered after the newest digest (ending \(newest.iso8601)) of its location, within \(VerificationOptions.digestDeliveryDeadline / 3600) h of its newest authenticated digest\(reference.map { " and of the reference time \($0.iso8601)" } ?? ""): not covered yet")
                    }
                    continue
                }
                // The digest that would list it: the first one ending at or after its delivery.
                let covering = ends[Self.firstIndex(in: ends, notBefore: time)]
                // Delivered inside the window asked for, it is judged whatever digest comes next:
                // one beyond the window's reach means the digests that would list it are gone.
                let insideWindow = (scope.start.map { time >= $0 } ?? true) && (scope.end.map { time <= $0 } ?? true)
                guard insideWindow || scope.includesDigest(endingAt: covering), inScope(time, at: location) else {
                    countOutOfScope(time, at: location)
                    continue
                }
                let firstStart = firstStarts[location] ?? oldest.adding(seconds: -3600)
                // A log file's name carries its minute: one named in or before the minute the first digest
                // starts in was delivered before it. One named later is within the first digest's
                // hour, which lists every log file delivered in it: unlisted, it is a finding.
                if time.secondsSinceEpoch < firstStart.secondsSinceEpoch - firstStart.secondsSinceEpoch % 60 + 60 && covering == oldest {
                    record(.beforeFirstDigest, "delivered at \(time.iso8601), before the first digest of its location (starting \(firstStart.iso8601)): never covered")
                } else if let gap = gapIndex[location]?.first(containing: time) {
                    record(.unreferenced, "listed by no digest: delivered during a gap in integrity coverage (\(gap.span.text))")
                } else if let failed = failedIndex[location]?.first(containing: time)?.payload {
                    if failed.verdict == .missing || failed.verdict == .malformed {
                        record(.unreferenced, "listed by no readable digest: the digest for its hour, \(failed.key), is \(failed.verdict.rawValue)")
                    } else {
                        record(.unverified, "its hour's digest \(failed.key) failed verification (\(failed.verdict.rawValue)): nothing proves its content")
                    }
                } else {
                    record(.unreferenced, "listed by no digest in this run: planted, or listed by a digest that is missing")
                }
            }
        }
    }

    private static func firstIndex(in sorted: [UTCTime], notBefore time: UTCTime) -> Int {
        var low = 0, high = sorted.count - 1
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Spans of in-scope digests whose log file lists prove nothing: missing, malformed or unauthenticated.
    private func unprovenDigestSpans(in run: RunState) -> [(location: TrailLocation, span: TimeSpan, key: String, verdict: DigestVerdict)] {
        var spans: [(TrailLocation, TimeSpan, String, DigestVerdict)] = []
        for record in run.missing {
            guard let key = record.key, let span = record.span, case .digest(let name)? = TrailObjectKey(key) else { continue }
            spans.append((name.chain.location, span, key, .missing))
        }
        for index in run.loaded.indices where run.loaded[index].inScope && !run.checks[index].isAuthentic {
            let name = run.loaded[index].name
            // The hour its key names: the span in its unproven header is the attacker's to choose.
            let span = TimeSpan(start: name.endTime.adding(seconds: -3600), end: name.endTime)
            spans.append((name.chain.location, span, name.key, run.checks[index].verdict))
        }
        return spans
    }
}
