extension TrailVerifier {
    /// Hashes every log file listed by an in-scope digest that proved authentic; lists the others
    /// as unverified. Returns every key listed by any loaded digest.
    func checkLogFiles(in run: inout RunState, progress: (@Sendable (VerificationProgress) -> Void)?) throws -> Set<String> {
        var jobs: [LogHashCheck.Job] = []
        var listed: Set<String> = []
        // Delivery minutes the inventory already parsed, so listed keys are not parsed again.
        var minutes: [String: UTCTime] = [:]
        for names in run.inventory.logFilesByLocation.values {
            for name in names { minutes[name.key] = name.deliveryMinute }
        }
        for index in run.loaded.indices {
            let loaded = run.loaded[index]
            guard let digest = loaded.digest else { continue }
            for entry in digest.logFiles { listed.insert(entry.object) }
            guard loaded.inScope else { continue }
            let verdict = run.checks[index].verdict
            let bucket = run.bucketByChain[loaded.name.chain] ?? digest.bucket
            let time = logTime(entry: nil, digest: digest)
            for entry in digest.logFiles {
                let entryTime = minutes[entry.object] ?? logTime(entry: entry, digest: digest) ?? time
                var reason: String?
                if !verdict.vouchesForLogFiles {
                    reason = "listed by digest \(loaded.name.key), which failed verification (\(verdict.rawValue))"
                } else if entry.bucket != bucket {
                    reason = "listed in bucket \(entry.bucket), not in this copy of bucket \(bucket)"
                } else if entry.hashAlgorithm != "SHA-256" {
                    reason = "unsupported hashAlgorithm \(entry.hashAlgorithm)"
                }
                if let reason {
                    run.logRecords.append(LogFileRecord(
                        key: entry.object, bucket: entry.bucket, digest: loaded.name.key, verdict: .unverified, detail: reason,
                        expectedSHA256: entry.hashValue, actualSHA256: nil, uncompressedBytes: nil, time: entryTime))
                } else {
                    jobs.append(.init(entry: entry, digestKey: loaded.name.key, time: entryTime))
                }
            }
        }
        run.logRecords += try LogHashCheck(store: store, workers: options.workers).run(jobs, progress: progress)
        return listed
    }

    private func logTime(entry: LogFileEntry?, digest: Digest) -> UTCTime? {
        if let entry, case .logFile(let name)? = TrailObjectKey(entry.object) { return name.deliveryMinute }
        return entry == nil ? digest.endTime : nil
    }

    /// Log files under a chain's CloudTrail/ folder, in a covered hour, that no digest lists.
    func findUnreferencedLogFiles(in run: inout RunState, listed: Set<String>) {
        let tolerance = options.deliveryTolerance
        for (location, logFiles) in run.inventory.logFilesByLocation {
            let chains = run.inventory.digestsByChain.filter { $0.key.location == location }
            guard !chains.isEmpty else { continue }
            let inScope = run.loaded.filter { $0.inScope && $0.name.chain.location == location }.compactMap(\.digest)
            guard let windowStart = inScope.map(\.startTime).min(), let windowEnd = inScope.map(\.endTime).max() else { continue }
            let allEnds = chains.values.flatMap { $0.map(\.endTime) }
            let windowIsNewest = !(allEnds.contains { $0 > windowEnd })
            let windowIsOldest = !(allEnds.contains { $0 < windowStart })
            let gapSpans = run.gaps.map(\.span)
            let unreadableDigests = self.unreadableDigestSpans(at: location, in: run)
            for logFile in logFiles where !listed.contains(logFile.key) {
                let time = logFile.deliveryMinute
                var verdict = LogFileVerdict.unreferenced
                var detail = "listed by no digest in this run: planted, or listed by a digest that is missing"
                if time > windowEnd.adding(seconds: -tolerance) {
                    guard windowIsNewest else { continue }
                    verdict = .notYetCovered
                    detail = "delivered after the newest digest (ending \(windowEnd.iso8601)) of its location: not covered yet"
                } else if time < windowStart.adding(seconds: tolerance) {
                    guard windowIsOldest else { continue }
                    verdict = .beforeFirstDigest
                    detail = "delivered before the first digest (starting \(windowStart.iso8601)) of its location: never covered"
                } else if let gap = gapSpans.first(where: { $0.contains(time) }) {
                    detail = "listed by no digest: delivered during a gap in integrity coverage (\(gap.text))"
                } else if let digest = unreadableDigests.first(where: { $0.span.contains(time) }) {
                    detail = "listed by no readable digest: the digest for its hour, \(digest.key), is \(digest.verdict.rawValue)"
                }
                run.logRecords.append(LogFileRecord(
                    key: logFile.key, bucket: run.bucketByChain[chains.keys.sorted()[0]] ?? "", digest: nil, verdict: verdict,
                    detail: detail, expectedSHA256: nil, actualSHA256: nil, uncompressedBytes: nil, time: time))
            }
        }
    }

    /// Spans of the digests at `location` whose log file lists cannot be read: missing or malformed.
    private func unreadableDigestSpans(at location: TrailLocation, in run: RunState) -> [(span: TimeSpan, key: String, verdict: DigestVerdict)] {
        var spans: [(TimeSpan, String, DigestVerdict)] = []
        for record in run.missing {
            guard let key = record.key, let span = record.span, case .digest(let name)? = TrailObjectKey(key),
                  name.chain.location == location else { continue }
            spans.append((span, key, .missing))
        }
        for index in run.loaded.indices where run.loaded[index].inScope && run.loaded[index].digest == nil {
            let name = run.loaded[index].name
            guard name.chain.location == location else { continue }
            spans.append((TimeSpan(start: name.endTime.adding(seconds: -3600), end: name.endTime), name.key, .malformed))
        }
        return spans
    }
}
