/// One chain's coverage, hour by hour, for drawing: each cell is the worst state of the hours it
/// holds, so aggregating hours into wider cells never hides a problem hour.
public struct CoverageTimeline: Sendable {
    /// What an hour is, in order of precedence (a cell shows the first that applies).
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

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }

        /// A word for the legend.
        public var label: String {
            switch self {
            case .invalid: return "invalid digest"
            case .missing: return "missing digest"
            case .gap: return "gap"
            case .notYetCovered: return "not yet covered"
            case .verified: return "verified"
            case .none: return "no digest expected"
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
        self.chain = chain.id
        var spans: [(State, TimeSpan, String)] = []
        for record in report.digests where record.chain.sameBytes(as: chain.id) {
            guard let span = record.span else { continue }
            let state: State = record.verdict == .valid ? .verified : record.verdict == .missing ? .missing : .invalid
            spans.append((state, span, "digest \(record.verdict.rawValue)\(record.key.map { " \($0)" } ?? "")"))
        }
        for gap in report.gaps where gap.chain.sameBytes(as: chain.id) {
            spans.append((.gap, gap.span, "gap \(gap.kind.rawValue)"))
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
        marks = spans.filter { $0.0 != .verified }.sorted { ($0.1.start, $0.0) < ($1.1.start, $1.0) }
            .map { Mark(state: $0.0, span: $0.1, label: $0.2) }
    }
}
