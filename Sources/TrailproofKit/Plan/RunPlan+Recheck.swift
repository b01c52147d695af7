/// What a run found and what it leaves for the next one.
public struct RunOutcome: Sendable {
    /// The report (with a recheck, merged with what the recheck found).
    public var report: VerificationReport
    /// Each chain's head, for the state's next run.
    public var heads: [ObjectKey: TrailState.Head]
    /// The day fingerprints to save in the state.
    public var days: [ObjectKey: String]
}

extension RunPlan {
    /// Verifies what the plan covers and, when its request asks for a recheck, compares every
    /// verified day folder of the state with the listing and verifies again the days that
    /// changed (each from its first digest; the window's edges are the recheck's own, so they
    /// make no gap).
    ///
    /// A recheck lists the whole source once more (the verified past is outside the run's
    /// window): README, "Requests", says what it costs.
    /// - Parameters: as `verify`; with a recheck, `parts` get nothing (the report is merged).
    public func run(consumer: (any VerifiedLogFileConsumer)? = nil,
                    progress: (@Sendable (VerificationProgress) -> Void)? = nil,
                    parts: [any RunPartConsumer] = []) throws -> RunOutcome {
        let rechecks = request.recheck && request.state != nil
        var (report, heads) = try verify(consumer: consumer, progress: progress, parts: rechecks ? [] : parts)
        guard rechecks, let state = request.state else {
            return RunOutcome(report: report, heads: heads, days: request.state?.days ?? [:])
        }
        let pastStore = store.withoutListingWindow()
        let objects = try pastStore.listObjects()
        let current = DayFingerprints.compute(objects, heads: state.heads)
        let changed = DayFingerprints.changedDays(stored: state.days, current: current)
        var keepStored = false
        // The heads are the verified past too: one gone from the listing was deleted after it
        // was verified, with or without a newer digest linking to it.
        let gone = Self.goneHeads(state.heads, listed: objects)
        if !gone.isEmpty {
            report = report.adding(goneHeads: gone)
            heads = state.heads
            keepStored = true
        }
        if let first = changed.first, let last = changed.last {
            var past = scope
            past.verifiedHeads = [:]
            past.start = first.start
            // Through the whole last changed day: the digests in scope reach an hour and a drift
            // past it, so the first digest after it is checked, and its link to the digest that
            // ended that day (deleted, it is missing). Each chain only through its own head, each
            // location's log files only before its own (`pastThrough`): what comes after a head
            // is the run's own, and so is what chains and locations with no head hold from the
            // day the run's listing starts at; before it, they are the recheck's (`pastFloor`).
            past.end = last.end
            past.pastThrough = state.heads
            past.pastFloor = Self.listFrom(start: nil, heads: state.heads)
            past.priorFindings = []
            past.checksWindowEdges = false
            // Its valid log files listed, when the run's own report calls a file unverified, so
            // that what the recheck judged by hash is known by name (dropped again unless asked
            // for); otherwise counted only: a first recheck verifies the whole past, in flat memory.
            var pastPolicy = policy
            if report.logFiles.contains(where: { $0.verdict == .unverified }) { pastPolicy.listsValidLogFiles = true }
            let pastPlan = RunPlan(store: pastStore, trust: trust, scope: past, policy: pastPolicy, request: request, survey: nil)
            let recheckReport = try TrailVerifier(plan: pastPlan).run(progress: progress)
            report = report.adding(recheck: recheckReport, days: changed)
            if recheckReport.totals.exitStatus != 0 {
                // A changed past keeps the heads and the old fingerprints: it is checked, and
                // reported, again next time, until it is resolved.
                heads = state.heads
                keepStored = true
            }
        }
        // Objects moved into a date folder no run lists, dated after it: reported by every
        // recheck until resolved (no fingerprint holds them), unless the recheck did.
        report = report.adding(objects: DayFingerprints.outOfEveryListing(objects, heads: state.heads, selection: scope.trailSelection).map {
            ObjectRecord(key: $0.key, verdict: .unexpected, detail: $0.reason)
        })
        var days = DayFingerprints.compute(objects, heads: heads)
        if keepStored {
            for key in Set(days.keys).union(state.days.keys) where days[key] != state.days[key] {
                days[key] = state.days[key]
            }
        }
        // A day holding a digest, log file or object this run reported (a log file planted
        // beside a head that moves on, a digest copied into a prefix with no head) keeps the
        // fingerprint it had, or none: it is changed to the next recheck, and reported again
        // until resolved.
        let reported = report.digests.filter { $0.verdict != .valid }.compactMap(\.key)
            + report.logFiles.filter(\.verdict.isFinding).map(\.key) + report.objects.map(\.key)
        for key in reported {
            guard let (location, time) = TrailObjectKey.locationAndTime(ofKey: key) else { continue }
            let day = DayFingerprints.dayKey(location, time)
            days[day] = state.days[day]
        }
        return RunOutcome(report: report, heads: heads, days: days)
    }

    /// The state's heads whose digest is not in `listed`, as missing digest records. The few
    /// heads' keys are looked for in one pass (bytes, as `ObjectKey`), not a set of every key
    /// listed: the listing is the whole source.
    static func goneHeads(_ heads: [ObjectKey: TrailState.Head], listed: [ListedObject]) -> [DigestRecord] {
        var unseen = Set(heads.values.map { ObjectKey($0.key) })
        for object in listed where !unseen.isEmpty { unseen.remove(ObjectKey(object.key)) }
        return heads.filter { unseen.contains(ObjectKey($0.value.key)) }.map { chain, head in
            DigestRecord(key: head.key, bucket: nil, chain: chain.text, span: TimeSpan(start: head.endTime.adding(seconds: -3600), end: head.endTime),
                         verdict: .missing,
                         problems: [.init(kind: .missing, detail: "the head of its chain verified by an earlier run (the state's head) is gone since: deleted after it was verified, with what it listed (which no surviving digest names)")],
                         signatureSource: nil, publicKeyFingerprint: nil, logFileCount: 0, namedKey: nil, referencedBy: nil, inferred: false)
        }
    }
}
