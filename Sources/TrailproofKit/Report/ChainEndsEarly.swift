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
    public static func findings(chains: [ChainSummary], gaps: [GapRecord]) -> (gaps: [GapRecord], notices: [String]) {
        let alreadyShort = Set(gaps.filter { $0.kind == .uncoveredEnd }.map { ObjectKey($0.chain) })
        var ends: [(summary: ChainSummary, end: UTCTime, key: String?)] = []
        for summary in chains where !summary.chain.isBackfill {
            let named: UTCTime? = summary.newestDigest.flatMap {
                if case .digest(let name)? = TrailObjectKey($0) { return name.endTime }
                return nil
            }
            let covered = summary.coverage.last?.end
            guard let end = [named, covered].compactMap({ $0 }).max() else { continue }
            ends.append((summary, end, summary.newestDigest))
        }
        var newGaps: [GapRecord] = []
        var notices: [String] = []
        for chain in ends where !alreadyShort.contains(ObjectKey(chain.summary.id)) {
            // The longest-running chain of the same trail: in the same account first (a finding),
            // else in another account of the same organization trail (a notice).
            let sameTrail = ends.filter { other in
                let a = chain.summary.chain, b = other.summary.chain
                return a.trailName.sameBytes(as: b.trailName) && a.homeRegion.sameBytes(as: b.homeRegion)
                    && a.location.keyPrefix.sameBytes(as: b.location.keyPrefix)
                    && !(a.location == b.location)
            }
            func account(_ other: (summary: ChainSummary, end: UTCTime, key: String?)) -> Bool {
                other.summary.chain.location.accountID.sameBytes(as: chain.summary.chain.location.accountID)
                    && (other.summary.chain.location.organizationID ?? "").sameBytes(as: chain.summary.chain.location.organizationID ?? "")
            }
            let longer = { (other: (summary: ChainSummary, end: UTCTime, key: String?)) in
                other.end.secondsSinceEpoch - chain.end.secondsSinceEpoch > threshold
            }
            let ownAccount = sameTrail.filter { account($0) && longer($0) }.max { $0.end < $1.end }
            let organization = chain.summary.chain.location.organizationID == nil ? nil
                : sameTrail.filter { !account($0) && longer($0)
                    && ($0.summary.chain.location.organizationID ?? "").sameBytes(as: chain.summary.chain.location.organizationID ?? "") }
                    .max { $0.end < $1.end }
            guard let other = ownAccount ?? organization else { continue }
            let ownEnd = "\(chain.end.iso8601)" + (chain.key.map { " (\($0))" } ?? "")
            let otherEnd = "\(other.end.iso8601)" + (other.key.map { " (\($0))" } ?? "")
            let hours = (other.end.secondsSinceEpoch - chain.end.secondsSinceEpoch) / 3600
            if ownAccount != nil {
                newGaps.append(GapRecord(
                    chain: chain.summary.id, kind: .endsEarly, span: TimeSpan(start: chain.end, end: other.end),
                    detail: "this chain ends at \(ownEnd), but chain \(other.summary.id) of the same trail runs on to \(otherEnd), \(hours) h longer: CloudTrail writes a digest every hour in every region of a trail, so this region's newest digests were deleted, or its delivery stopped",
                    digestBefore: chain.key, digestAfter: nil))
            } else {
                notices.append("chain \(chain.summary.id) ends at \(ownEnd), \(hours) h before chain \(other.summary.id) of the same organization trail in another account (to \(otherEnd)): the account may have left the organization, or its newest digests were deleted")
            }
        }
        return (newGaps, notices)
    }

    /// A report part holding only the findings of `findings(chains:gaps:)` over `parts`, with
    /// the first part's scope; nil when there are none. Combined with the parts, it adds them
    /// once (`VerificationReport.combining`).
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
