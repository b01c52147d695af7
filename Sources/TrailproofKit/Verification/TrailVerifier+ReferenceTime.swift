/// Which times a run may believe when it decides whether a log file that no digest lists may
/// still be waiting for its digest. None comes from an object the bucket's writer can write:
/// not a log file's name, not an unauthenticated digest, not an archive manifest's creation
/// time (which can only make the rule stricter).
extension TrailVerifier {
    /// The time the run vouches for without believing any object: `--end` (for a live source,
    /// no later than the run's own clock), else a live source's clock; nil for a copy without
    /// `--end`.
    var trustedReferenceTime: UTCTime? {
        let live = scope.observedAt.flatMap { $0.isLive ? $0.time : nil }
        if let end = scope.end { return live.map { min(end, $0) } ?? end }
        return live
    }

    /// The run's clock when the source is live (S3): nothing can have been delivered after it.
    /// Not a planned time (`--reference-time`, shared by the shards of a run): files delivered
    /// since it was chosen are real; the newest authenticated digest still bounds them.
    var liveClock: UTCTime? { scope.observedAt.flatMap { $0.isLive && !$0.isPlanned ? $0.time : nil } }

    /// Per location, the end of its newest authenticated digest: one whose signature verified
    /// with CloudTrail's key and that was found where it says it belongs (its signed end time
    /// proves that the copy was made after it), or the head an earlier run verified (`--state`,
    /// the operator's file).
    func newestAuthenticatedEnds(in run: RunState) -> [TrailLocation: UTCTime] {
        var newest: [TrailLocation: UTCTime] = [:]
        // Digests come location by location: each run of one location is looked up once (a cut
        // location asks this for every group of its log files, over all its digests).
        var current: (location: TrailLocation, time: UTCTime)?
        func flush() {
            if let (location, time) = current { newest[location] = max(newest[location] ?? time, time) }
            current = nil
        }
        func note(_ time: UTCTime, at location: TrailLocation) {
            if let (held, newestHeld) = current, held == location {
                current = (held, max(newestHeld, time))
            } else {
                flush()
                current = (location, time)
            }
        }
        for index in run.loaded.indices where run.checks[index].isAuthentic && !run.checks[index].problems.contains(where: { $0.kind == .moved }) {
            guard let digest = run.loaded[index].digest else { continue }
            note(digest.endTime, at: run.loaded[index].name.chain.location)
        }
        for head in scope.verifiedHeads.values { note(head.endTime, at: head.location) }
        flush()
        return newest
    }

    /// The reference time of `location`: the trusted one when there is one, else the end of its
    /// newest authenticated digest, made later (never earlier) by an archive's stated creation time.
    func referenceTime(of location: TrailLocation, newestAuthenticated: [TrailLocation: UTCTime]) -> UTCTime? {
        if let trusted = trustedReferenceTime { return trusted }
        return [newestAuthenticated[location], scope.archiveClaim?.createdAt].compactMap { $0 }.max()
    }

    /// The reference time the report states: the trusted one, else an archive's stated creation
    /// time; nil for a copy with neither (each location then has its own, the end of its newest
    /// authenticated digest). Known before any batch, so every batch states the same.
    var reportedReferenceTime: UTCTime? { trustedReferenceTime ?? scope.archiveClaim?.createdAt }

    /// Why a log file delivered at `time`, after the newest digest of its location (ending
    /// `newest`), is not waiting for its digest; nil when it may be (`not-yet-covered`): at most
    /// 2 h after the newest authenticated digest of its location, never after a live run's clock,
    /// and no more than 2 h before the reference time.
    func overdueReason(deliveredAt time: UTCTime, newest: UTCTime, newestAuthenticated: UTCTime?, reference: UTCTime?) -> String? {
        let deadline = VerificationOptions.digestDeliveryDeadline
        guard let authenticated = newestAuthenticated else {
            return "delivered after the newest digest of its location (ending \(newest.iso8601)), and no authenticated digest of its location vouches for any time: nothing says its digest may still be on its way"
        }
        if let clock = liveClock, time > clock {
            return "dated \(time.iso8601), after this run's own clock (\(clock.iso8601)): no log file is delivered in the future"
        }
        if time > authenticated.adding(seconds: deadline) {
            return "dated \(time.iso8601), more than \(deadline / 3600) h after the newest authenticated digest of its location (ending \(authenticated.iso8601)): CloudTrail delivers a digest every hour, so its digest should be here and is not"
        }
        if let reference, time < reference.adding(seconds: -deadline) {
            return "delivered after the newest digest of its location (ending \(newest.iso8601)), and more than \(deadline / 3600) h before the reference time \(reference.iso8601): its digest should be here and is not"
        }
        return nil
    }
}
