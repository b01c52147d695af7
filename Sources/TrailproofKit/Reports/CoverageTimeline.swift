/// One chain's coverage, hour by hour, for drawing: each cell is the worst state of the hours it
/// holds, so aggregating hours into wider cells never hides a problem hour.
public struct CoverageTimeline: Sendable {
    /// What an hour is. A cell shows the worst state of anything in it, digests and log files
    /// (`rank`, 0 worst). The raw value names the state's CSS class (`s0`…) and never changes.
    public enum State: Int, Sendable, Comparable, CaseIterable {
        /// A digest covering it failed verification.
        case invalid = 0
        /// Its digest is missing.
        case missing = 1
        /// A gap: no digest covers it.
        case gap = 2
        /// After the newest digest: log files may still be waiting for theirs.
        case notYetCovered = 3
        /// Covered by a valid digest.
        case verified = 4
        /// Outside everything the report knows.
        case none = 5
        /// A log file delivered in it was modified.
        case logModified = 6
        /// A log file delivered in it is missing or unreadable.
        case logMissing = 7
        /// A log file delivered in it is listed by no digest.
        case logUnreferenced = 8
        /// A log file delivered in it is unverified (its digest failed, or lists it in another bucket).
        case logUnverified = 9
        /// A digest or log file in it could not be verified for want of a trust input (a public
        /// key, a local copy's signature): not tampering, not verified.
        case notVerifiable = 10

        /// Precedence, 0 worst: what a cell of several states shows.
        public var rank: Int {
            switch self {
            case .invalid: return 0
            case .logModified: return 1
            case .missing: return 2
            case .logMissing: return 3
            case .gap: return 4
            case .logUnreferenced: return 5
            case .logUnverified: return 6
            case .notVerifiable: return 7
            case .notYetCovered: return 8
            case .verified: return 9
            case .none: return 10
            }
        }

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rank < rhs.rank }

        /// Every state, worst first: the legend's order.
        public static var byRank: [State] { allCases.sorted() }

        /// A word for the legend.
        public var label: String {
            switch self {
            case .invalid: return "invalid digest"
            case .missing: return "missing digest"
            case .gap: return "gap"
            case .notYetCovered: return "not yet covered"
            case .verified: return "verified"
            case .none: return "no digest expected"
            case .logModified: return "modified log file"
            case .logMissing: return "missing or unreadable log file"
            case .logUnreferenced: return "unreferenced log file"
            case .logUnverified: return "unverified log file"
            case .notVerifiable: return "not verifiable (no key or signature)"
            }
        }
    }

    /// A labelled problem span with its exact edges.
    public struct Mark: Sendable {
        /// The state it puts its hours in.
        public var state: State
        /// Its exact span.
        public var span: TimeSpan
        /// What it is (verdict and object).
        public var label: String
    }

    /// The chain id.
    public let chain: String
    /// The first hour's start.
    public let start: UTCTime
    /// Hours from `start` the timeline spans.
    public let hours: Int
    /// Hours per cell (1 unless there are more than `maximumCells` hours).
    public let hoursPerCell: Int
    /// Each cell's state.
    public let cells: [State]
    /// Every problem span, with exact edges, oldest first.
    public let marks: [Mark]

    /// Most cells drawn for one chain; more hours are grouped.
    public static let maximumCells = 744

    /// The timeline of `chain` in `report`.
    public init(chain: ChainSummary, report: VerificationReport) {
        self.init(chain: chain, report: report, trust: TrustClassifier(report))
    }

    /// The timeline of `chain` in `report`, with `trust` telling what could not be verified
    /// for want of a trust input.
    init(chain: ChainSummary, report: VerificationReport, trust: TrustClassifier) {
        self.chain = chain.id
        var spans: [(State, TimeSpan, String)] = []
        for record in report.digests where record.chain.sameBytes(as: chain.id) {
            guard let span = record.span else { continue }
            let state: State
            switch record.verdict {
            case .valid: state = .verified
            case .missing: state = .missing
            default: state = trust.missingInput(record) == nil ? .invalid : .notVerifiable
            }
            spans.append((state, span, "digest \(record.verdict.rawValue)\(record.key.map { " \($0)" } ?? "")"))
        }
        for gap in report.gaps where gap.chain.sameBytes(as: chain.id) {
            spans.append((.gap, gap.span, "gap \(gap.kind.rawValue)"))
        }
        // Log files with a finding, in the hour they were delivered: those a digest of this chain
        // lists, and those no digest lists delivered in this chain's location (not a backfill chain's).
        let ownLocation = chain.chain.location
        var ownDigests = Set<ObjectKey>()
        for record in report.digests where record.chain.sameBytes(as: chain.id) { if let key = record.key { ownDigests.insert(ObjectKey(key)) } }
        for record in report.logFiles where record.verdict.isFinding {
            guard let time = record.time else { continue }
            if let digest = record.digest {
                guard ownDigests.contains(ObjectKey(digest)) else { continue }
            } else {
                guard !chain.chain.isBackfill, case .logFile(let name)? = TrailObjectKey(record.key), name.location == ownLocation else { continue }
            }
            let span = TimeSpan(start: time, end: time.adding(seconds: 60))
            switch record.verdict {
            case .modified: spans.append((.logModified, span, "log-file modified \(record.key)"))
            case .missing, .unreadable: spans.append((.logMissing, span, "log-file \(record.verdict.rawValue) \(record.key)"))
            case .unreferenced where trust.missingInputDigest(of: record) != nil:
                spans.append((.notVerifiable, span, "log files not verifiable (their digest lacks a key or signature)"))
            case .unreferenced: spans.append((.logUnreferenced, span, "log-file unreferenced \(record.key)"))
            case .unverified:
                // Named once by their digest's mark: one line for all of them.
                if trust.missingInputDigest(of: record) != nil {
                    spans.append((.notVerifiable, span, "log files not verifiable (their digest lacks a key or signature)"))
                } else {
                    spans.append((.logUnverified, span, "log files unverified (their digest failed or lists them in another bucket)"))
                }
            default: continue
            }
        }
        let times = spans.flatMap { [$0.1.start, $0.1.end] }
        let first = times.min() ?? UTCTime(secondsSinceEpoch: 0)
        var last = times.max() ?? first
        // Log files still waiting for their digest, after the newest digest of this chain's location.
        let location = chain.chain.location
        for record in report.logFiles where record.verdict == .notYetCovered {
            guard let time = record.time, case .logFile(let name)? = TrailObjectKey(record.key), name.location == location else { continue }
            spans.append((.notYetCovered, TimeSpan(start: time, end: time.adding(seconds: 60)), "log files not yet covered"))
            last = max(last, time.adding(seconds: 60))
        }
        let start = UTCTime(secondsSinceEpoch: first.secondsSinceEpoch - ((first.secondsSinceEpoch % 3600) + 3600) % 3600)
        let hours = max(1, Int((last.secondsSinceEpoch - start.secondsSinceEpoch + 3599) / 3600))
        let perCell = max(1, (hours + Self.maximumCells - 1) / Self.maximumCells)
        var cells = Array(repeating: State.none, count: (hours + perCell - 1) / perCell)
        for (state, span, _) in spans {
            let firstHour = Int((span.start.secondsSinceEpoch - start.secondsSinceEpoch) / 3600)
            // A span ending exactly on an hour boundary does not reach into the next hour.
            let lastHour = Int((max(span.end.secondsSinceEpoch - 1, span.start.secondsSinceEpoch) - start.secondsSinceEpoch) / 3600)
            guard firstHour <= lastHour else { continue }
            for cell in (max(0, firstHour) / perCell)...min(cells.count - 1, max(0, lastHour) / perCell) where state < cells[cell] {
                cells[cell] = state
            }
        }
        self.start = start
        self.hours = hours
        hoursPerCell = perCell
        self.cells = cells
        marks = spans.filter { $0.0 != .verified }.sorted { ($0.1.start, $0.0.rank) < ($1.1.start, $1.0.rank) }
            .map { Mark(state: $0.0, span: $0.1, label: $0.2) }
    }
}
