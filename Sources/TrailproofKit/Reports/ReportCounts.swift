/// The one set of counts every format shows (text, JSON's `verdict.counts`, HTML, Markdown,
/// JUnit): each object's categories add up to its total, so no two lines of a report can
/// contradict each other. Made from a report by `Verdict`.
public struct ReportCounts: Sendable, Codable, Equatable {
    /// Digests, each in exactly one category.
    public struct Digests: Sendable, Codable, Equatable {
        /// Every digest record (present in scope, plus missing ones).
        public var total = 0
        /// Verified.
        public var valid = 0
        /// Absent where a link or an hour expects one.
        public var missing = 0
        /// Present but failed: signature, links, location or format (tampering).
        public var invalid = 0
        /// Failed for want of a trust input (`MissingTrustInput`): not tampering, not verified.
        public var notVerifiable = 0

        /// `45/47 digests valid, 1 missing, 1 invalid` (categories that are not 0).
        public func line(noun: String = "digests") -> String {
            ReportCounts.line(valid: valid, total: total, noun: noun,
                              [(missing, "missing"), (invalid, "invalid"), (notVerifiable, "not verifiable")])
        }

        /// True when the categories add up to the total.
        public var addsUp: Bool { valid + missing + invalid + notVerifiable == total }
    }

    /// Log files, each in exactly one category: every log file the run judged, listed by a digest
    /// or not (those outside the requested window are counted apart, unchecked).
    public struct LogFiles: Sendable, Codable, Equatable {
        /// Every log file judged.
        public var total = 0
        /// Hash matches its digest's.
        public var valid = 0
        /// Hash differs.
        public var modified = 0
        /// Listed but absent.
        public var missing = 0
        /// Corrupt, truncated, too large or unsafe key.
        public var unreadable = 0
        /// Nothing proves its content: its digest failed (tampering) or lists it in another bucket.
        public var unverified = 0
        /// Unverified because its digest lacked a trust input (`MissingTrustInput`), or unreferenced
        /// only because its location's newest digest did (it could not wait for its digest).
        public var notVerifiable = 0
        /// Present, listed by no digest.
        public var unreferenced = 0
        /// Notice: after the newest digest, its digest may still come.
        public var notYetCovered = 0
        /// Notice: older than its location's first digest.
        public var beforeFirstDigest = 0

        /// `185/192 log files valid, 1 modified, 1 missing, …` (categories that are not 0).
        public func line(noun: String = "log files") -> String {
            ReportCounts.line(valid: valid, total: total, noun: noun,
                              [(modified, "modified"), (missing, "missing"), (unreadable, "unreadable"), (unverified, "unverified"),
                               (notVerifiable, "not verifiable"), (unreferenced, "unreferenced"), (notYetCovered, "not yet covered"),
                               (beforeFirstDigest, "before the first digest")])
        }

        /// True when the categories add up to the total.
        public var addsUp: Bool {
            valid + modified + missing + unreadable + unverified + notVerifiable + unreferenced + notYetCovered + beforeFirstDigest == total
        }
    }

    /// One chain's digests and the time they verify.
    public struct Chain: Sendable, Codable, Equatable {
        /// The chain id.
        public var chain: String
        /// Its digests (missing ones included).
        public var digests: Digests
        /// The spans its valid digests verify, oldest first.
        public var verified: [TimeSpan]
        /// With a state: the end of the head an earlier run verified the chain through.
        public var verifiedThroughHead: UTCTime? = nil
        /// With a recheck: how many of its digests were verified again (their day folder changed).
        public var recheckedDigests: Int? = nil
        /// With a state: true when the head it names is gone (a missing digest of the chain ends
        /// then); nil otherwise.
        public var headGone: Bool? = nil

        /// `45/47 digests valid, 1 missing, 1 invalid, covered 2026-… to 2026-…`; with a state,
        /// what an earlier run verified, so that no new digest never reads as nothing verified.
        public var line: String {
            let covered = verified.isEmpty ? "nothing verified" : "covered " + verified.map(\.text).joined(separator: ", ")
            guard let head = verifiedThroughHead else {
                let again = recheckedDigests.flatMap { $0 > 0 ? " (\($0) of them verified again: their day folders changed)" : nil }
                return digests.line() + ", " + covered + (again ?? "")
            }
            let earlier = headGone == true
                ? "its head, verified through \(head.iso8601) by an earlier run (the state's head), is gone"
                : "verified through \(head.iso8601) by an earlier run (the state's head)"
            let again = recheckedDigests ?? 0
            guard digests.total > 0 else { return "no digest since the head: " + earlier }
            var parts = [digests.line()]
            if again > 0 { parts.append("\(again) of them verified again (their day folders changed)") }
            let since = digests.total - again - (headGone == true ? 1 : 0)
            if since > 0 { parts.append("\(since) since the head") }
            return parts.joined(separator: ", ") + ", " + covered + "; " + earlier
        }
    }

    /// Digests.
    public var digests = Digests()
    /// Log files.
    public var logFiles = LogFiles()
    /// Per chain, in the report's order.
    public var chains: [Chain] = []
    /// Gaps (findings unless gaps are allowed).
    public var gaps = 0
    /// Object findings (unexpected objects, manifest mismatches).
    public var objects = 0
    /// Log files outside the requested window: counted, not checked, in no total above.
    public var logFilesOutOfScope = 0
    /// Findings counted for the exit status (the report's `totals.findings`).
    public var findings = 0
    /// The time every chain verifies: the intersection of the chains' verified spans (backfill
    /// chains aside: they vouch for an earlier stretch of a chain's location). Empty when any
    /// chain verifies nothing, or the chains' spans do not overlap.
    public var verifiedInEveryChain: [TimeSpan] = []

    /// The verified spans as text: "X to Y, Z to W", or "none".
    public var verifiedInEveryChainText: String {
        verifiedInEveryChain.isEmpty ? "none" : verifiedInEveryChain.map(\.text).joined(separator: ", ")
    }

    /// Counts `report`, sorting trust-input failures out with `trust`.
    init(_ report: VerificationReport, trust: TrustClassifier) {
        let totals = report.totals
        digests.total = totals.digests
        digests.valid = totals.digestsValid
        var chainIndex: [ObjectKey: Int] = [:]
        for (index, chain) in report.chains.enumerated() {
            chainIndex[ObjectKey(chain.id)] = index
            chains.append(Chain(chain: chain.id, digests: Digests(total: chain.validDigests, valid: chain.validDigests), verified: chain.coverage,
                                verifiedThroughHead: chain.verifiedThroughHead, recheckedDigests: chain.recheckedDigests))
        }
        for record in report.digests where record.verdict != .valid {
            let index = chainIndex[ObjectKey(record.chain)]
            func add(_ path: WritableKeyPath<Digests, Int>) {
                digests[keyPath: path] += 1
                if let index {
                    chains[index].digests[keyPath: path] += 1
                    chains[index].digests.total += 1
                }
            }
            if record.verdict == .missing {
                add(\.missing)
                if let index, let head = chains[index].verifiedThroughHead, record.span?.end == head { chains[index].headGone = true }
            } else if trust.missingInput(record) != nil {
                add(\.notVerifiable)
            } else {
                add(\.invalid)
            }
        }
        logFiles.valid = totals.logFilesByVerdict[LogFileVerdict.valid.rawValue] ?? 0
        for record in report.logFiles {
            switch record.verdict {
            case .valid: continue  // counted in the totals, listed or not
            case .modified: logFiles.modified += 1
            case .missing: logFiles.missing += 1
            case .unreadable: logFiles.unreadable += 1
            case .unverified:
                if trust.missingInputDigest(of: record) != nil { logFiles.notVerifiable += 1 } else { logFiles.unverified += 1 }
            case .unreferenced:
                if trust.missingInputDigest(of: record) != nil { logFiles.notVerifiable += 1 } else { logFiles.unreferenced += 1 }
            case .notYetCovered: logFiles.notYetCovered += 1
            case .beforeFirstDigest: logFiles.beforeFirstDigest += 1
            }
        }
        logFiles.total = totals.logFilesByVerdict.values.reduce(0, +)
        gaps = report.gaps.count
        objects = report.objects.count
        logFilesOutOfScope = totals.logFilesOutOfScope
        findings = totals.findings
        verifiedInEveryChain = Self.intersection(of: report.chains.filter { !$0.chain.isBackfill }.map(\.coverage))
    }

    /// The spans inside every one of `coverages` (each sorted and merged), oldest first.
    static func intersection(of coverages: [[TimeSpan]]) -> [TimeSpan] {
        guard var common = coverages.first else { return [] }
        for spans in coverages.dropFirst() {
            var next: [TimeSpan] = []
            for a in common {
                for b in spans {
                    let start = max(a.start, b.start), end = min(a.end, b.end)
                    if start < end { next.append(TimeSpan(start: start, end: end)) }
                }
            }
            common = next.sorted { $0.start < $1.start }
        }
        return common
    }

    /// `valid/total noun valid, n word, …`, naming only categories that are not 0.
    static func line(valid: Int, total: Int, noun: String, _ categories: [(Int, String)]) -> String {
        ([ "\(valid)/\(total) \(noun) valid" ] + categories.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }).joined(separator: ", ")
    }
}
