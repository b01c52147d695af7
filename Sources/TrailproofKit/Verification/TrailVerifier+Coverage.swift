extension TrailVerifier {
    /// With --start/--end, a trail whose verified coverage does not reach either edge leaves that
    /// edge uncovered (deleting the newest digests with their logs is otherwise invisible). For a
    /// live source the end need only be reached up to the digest delivery deadline before the
    /// run's own time. Backfill chains are sparse by nature and exempt.
    func findCoverageEdgeGaps(in run: inout RunState) {
        guard scope.checksWindowEdges, scope.start != nil || scope.end != nil else { return }
        var requiredEnd = scope.end
        if let end = scope.end, let observed = scope.observedAt, observed.isLive {
            requiredEnd = min(end, observed.time.adding(seconds: -VerificationOptions.digestDeliveryDeadline))
        }
        for chain in run.inventory.digestsByChain.keys.sorted() where !chain.isBackfill {
            let spans = coverage(of: chain, in: run)
            let label = chainLabel(chain)
            let names = run.inventory.digestsByChain[chain] ?? []
            guard let first = spans.first, let last = spans.last else {
                let start = scope.start ?? names.first?.endTime ?? UTCTime(secondsSinceEpoch: 0)
                let end = scope.end ?? names.last?.endTime ?? start
                run.gaps.append(GapRecord(
                    chain: label, kind: scope.end != nil ? .uncoveredEnd : .uncoveredStart,
                    span: TimeSpan(start: start, end: max(start, end)),
                    detail: "no verified digest of this trail covers any of the requested window (\(start.iso8601) to \(end.iso8601))",
                    digestBefore: nil, digestAfter: nil))
                continue
            }
            if let end = requiredEnd, last.end < end {
                run.gaps.append(GapRecord(
                    chain: label, kind: .uncoveredEnd, span: TimeSpan(start: last.end, end: end),
                    detail: "verified coverage ends at \(last.end.iso8601), before the requested end \(end.iso8601): the newest digests are missing or failed",
                    digestBefore: nil, digestAfter: nil))
            }
            if let start = scope.start, first.start > start {
                run.gaps.append(GapRecord(
                    chain: label, kind: .uncoveredStart, span: TimeSpan(start: start, end: first.start),
                    detail: "verified coverage starts at \(first.start.iso8601), after the requested start \(start.iso8601)",
                    digestBefore: nil, digestAfter: nil))
            }
        }
    }

    /// Merged spans of the valid in-scope digests of `chain`, oldest first.
    func coverage(of chain: ChainID, in run: RunState) -> [TimeSpan] {
        let spans = (run.indicesByChain[chain] ?? [])
            .filter { run.loaded[$0].inScope && run.checks[$0].verdict == .valid }
            .compactMap { run.loaded[$0].digest?.span }
            .sorted { $0.start < $1.start }
        var merged: [TimeSpan] = []
        for span in spans {
            if let last = merged.last, span.start <= last.end.adding(seconds: 60) {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}
