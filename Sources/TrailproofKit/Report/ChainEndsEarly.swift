/// A chain that stops while another chain of the same trail runs on. A trail with log file
/// validation writes a digest every hour in every region it logs, also with no activity, so a
/// region whose digests stop more than `threshold` before another region's of the same trail
/// (same key prefix, account, trail name and home region) lost its newest digests, or stopped
/// being delivered: an `ends-early` gap. Across the member accounts of an organization trail it
/// is a notice only (an account that leaves the organization stops, and that is no tampering).
///
/// Chains of one trail may be verified in different batches or shards, so this is decided from
/// the chains' summaries of the whole run (or of every shard, in `ReportMerge`), never inside a
/// batch; both give the same result for the same chains.
public enum ChainEndsEarly {
    /// How much longer another chain must run on: a region's digest can arrive up to about an
    /// hour after another's, so more than 2 h is no delivery delay.
    public static let threshold: Int64 = 2 * 3600

    /// The gaps and notices for `chains`, given the gaps already found (a chain that already has
    /// an `uncovered-end` gap, from --end, is not reported again).
    public static func findings(chains: [ChainSummary], gaps: [GapRecord]) -> (gaps: [GapRecord], notices: [Notice]) {
        let alreadyShort = Set(gaps.filter { $0.kind == .uncoveredEnd }.map { ObjectKey($0.chain) })
        // Chains by trail (key prefix, organization, trail name, home region), then by account:
        // linear in the chains, however many a bucket holds.
        var trails: [ObjectKey: [ObjectKey: [End]]] = [:]
        for summary in chains where !summary.chain.isBackfill {
            let named: UTCTime? = summary.newestDigest.flatMap {
                if case .digest(let name)? = TrailObjectKey($0) { return name.endTime }
                return nil
            }
            guard let end = [named, summary.coverage.last?.end].compactMap({ $0 }).max() else { continue }
            let chain = summary.chain, location = chain.location
            let trail = ObjectKey([location.keyPrefix, location.organizationID ?? "", chain.trailName, chain.homeRegion].joined(separator: "\u{0}"))
            trails[trail, default: [:]][ObjectKey(location.accountID), default: []].append(End(summary: summary, end: end))
        }
        var newGaps: [GapRecord] = []
        var notices: [Notice] = []
        for trail in trails.keys.sorted() {
            guard let accounts = trails[trail] else { continue }
            // Each account's chains, longest-running first; and each account's longest, longest first.
            let byAccount = accounts.mapValues { $0.sorted(by: End.runsLonger) }
            let accountLeaders = byAccount.values.compactMap(\.first).sorted(by: End.runsLonger)
            for account in byAccount.keys.sorted() {
                let own = byAccount[account] ?? []
                for chain in own where !alreadyShort.contains(ObjectKey(chain.summary.id)) {
                    let inAccount = own.first { !$0.summary.id.sameBytes(as: chain.summary.id) }
                    let elsewhere = chain.summary.chain.location.organizationID == nil ? nil
                        : accountLeaders.first { ObjectKey($0.summary.chain.location.accountID) != account }
                    if let other = inAccount, other.end.secondsSinceEpoch - chain.end.secondsSinceEpoch > threshold {
                        newGaps.append(GapRecord(
                            chain: chain.summary.id, kind: .endsEarly, span: TimeSpan(start: chain.end, end: other.end),
                            detail: "this chain ends at \(chain.text), but chain \(other.summary.id) of the same trail runs on to \(other.text), \(chain.hours(before: other)) h longer: CloudTrail writes a digest every hour in every region of a trail, so this region's newest digests were deleted, or its delivery stopped",
                            digestBefore: chain.summary.newestDigest, digestAfter: nil))
                    } else if let other = elsewhere, other.end.secondsSinceEpoch - chain.end.secondsSinceEpoch > threshold {
                        notices.append(.chainEndsEarly(chain: chain.summary.id, end: chain.text, hours: chain.hours(before: other),
                                                       other: other.summary.id, otherEnd: other.text))
                    }
                }
            }
        }
        return (newGaps, notices)
    }

    /// A chain and the end of its newest digest (or of its verified coverage, if later).
    private struct End {
        var summary: ChainSummary
        var end: UTCTime

        /// The end and the newest digest's key, for a sentence.
        var text: String { end.iso8601 + (summary.newestDigest.map { " (\($0))" } ?? "") }

        func hours(before other: End) -> Int64 { (other.end.secondsSinceEpoch - end.secondsSinceEpoch) / 3600 }

        /// Longest-running first; ties by chain id, so every run picks the same.
        static func runsLonger(_ a: End, _ b: End) -> Bool {
            a.end != b.end ? a.end > b.end : ObjectKey(a.summary.id) < ObjectKey(b.summary.id)
        }
    }

    /// A report part holding only the findings of `findings(chains:gaps:)` over `parts`, with
    /// the first part's scope; nil when there are none. Combined with the parts, it adds them
    /// once (`ReportAssembler`).
    static func part(after parts: [VerificationReport]) -> VerificationReport? {
        guard let first = parts.first else { return nil }
        let found = findings(chains: parts.flatMap(\.chains), gaps: parts.flatMap(\.gaps))
        guard !found.gaps.isEmpty || !found.notices.isEmpty else { return nil }
        var part = first
        (part.chains, part.digests, part.logFiles, part.objects) = ([], [], [], [])
        part.gaps = found.gaps
        part.notices = found.notices
        part.totals = VerificationReport.Totals()
        part.shard = nil
        return part
    }
}
