/// Draws a `CoverageTimeline` as inline SVG: one cell per hour (or per group of hours), runs of
/// equal cells drawn as one rectangle, day ticks, and in each rectangle's title (what hovering shows)
/// its state, its exact edges and the objects that put it there.
enum TimelineSVG {
    static let width = 1000.0
    static let barHeight = 22.0

    static func render(_ timeline: CoverageTimeline) -> String {
        let count = timeline.cells.count
        let cellWidth = width / Double(max(count, 1))
        var svg = "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) 44\" role=\"img\" aria-label=\"\(Markup.xml("coverage of \(timeline.chain)"))\">\n"
        svg += "<title>\(Markup.xml("\(timeline.chain): \(timeline.hours) hours from \(timeline.start.iso8601), \(timeline.hoursPerCell) hour(s) per cell"))</title>\n"
        var index = 0
        while index < count {
            var end = index + 1
            while end < count && timeline.cells[end] == timeline.cells[index] { end += 1 }
            let state = timeline.cells[index]
            let x = Double(index) * cellWidth, w = Double(end - index) * cellWidth
            let from = timeline.start.adding(seconds: Int64(index * timeline.hoursPerCell) * 3600)
            let to = timeline.start.adding(seconds: Int64(end * timeline.hoursPerCell) * 3600)
            svg += "<rect class=\"s\(state.rawValue)\" x=\"\(format(x))\" y=\"2\" width=\"\(format(max(w, 0.6)))\" height=\"\(Int(barHeight))\" fill=\"\(color(state))\">"
            svg += "<title>\(Markup.xml("\(state.label): \(from.iso8601) to \(to.iso8601)" + objects(in: TimeSpan(start: from, end: to), of: timeline)))</title></rect>\n"
            index = end
        }
        // Ticks on whole hours, at most about 12 of them, labelled with the UTC time they mark.
        let interval = [1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720, 1440, 2160, 4320, 8760]
            .first { timeline.hours / $0 <= 12 } ?? (timeline.hours + 11) / 12
        var hour = (interval - Int((timeline.start.secondsSinceEpoch / 3600) % Int64(min(interval, 24)))) % min(interval, 24)
        var lastLabel = -Double.infinity
        while hour <= timeline.hours {
            let x = Double(hour) / Double(max(timeline.hours, 1)) * width
            svg += "<line x1=\"\(format(x))\" y1=\"2\" x2=\"\(format(x))\" y2=\"28\" stroke=\"#000\" stroke-opacity=\"0.3\" stroke-width=\"0.6\"/>\n"
            let iso = timeline.start.adding(seconds: Int64(hour) * 3600).iso8601
            let label = interval < 24 ? iso.dropFirst(5).prefix(11).replacingAll("T", with: " ") : String(iso.prefix(10))
            let labelX = min(x + 2, width - 70)
            if labelX - lastLabel >= 75 {
                svg += "<text x=\"\(format(labelX))\" y=\"40\" font-size=\"10\" fill=\"#333\">\(label)</text>\n"
                lastLabel = labelX
            }
            hour += interval
        }
        return svg + "</svg>\n"
    }

    /// Most objects a rectangle's title names; a count says how many more there are.
    static let namesPerTitle = 12

    /// ": digest signature-invalid KEY; log-file modified KEY; …" for the problems inside `span`
    /// (empty when there are none).
    static func objects(in span: TimeSpan, of timeline: CoverageTimeline) -> String {
        var labels: [String] = []
        var seen = Set<ObjectKey>()
        var more = 0
        for mark in timeline.marks where mark.span.start < span.end && span.start < max(mark.span.end, mark.span.start.adding(seconds: 1)) {
            guard seen.insert(ObjectKey(mark.label)).inserted else { continue }
            if labels.count < namesPerTitle { labels.append(mark.label) } else { more += 1 }
        }
        guard !labels.isEmpty else { return "" }
        return ": " + labels.joined(separator: "; ") + (more > 0 ? "; and \(more) more" : "")
    }

    /// Problem marks with touching or overlapping spans of the same kind merged, oldest first.
    static func mergedMarks(_ timeline: CoverageTimeline) -> [CoverageTimeline.Mark] {
        // Marks of one state and label side by side (others may lie between them in time).
        let grouped = timeline.marks.enumerated().sorted { lhs, rhs in
            if lhs.element.state != rhs.element.state { return lhs.element.state < rhs.element.state }
            let (a, b) = (ObjectKey(lhs.element.label), ObjectKey(rhs.element.label))
            return a != b ? a < b : lhs.offset < rhs.offset
        }.map(\.element)
        var merged: [CoverageTimeline.Mark] = []
        for mark in grouped {
            if let last = merged.last, last.state == mark.state, mark.state == .notYetCovered || last.label == mark.label,
               mark.span.start <= last.span.end.adding(seconds: 3600) {
                merged[merged.count - 1].span.end = max(last.span.end, mark.span.end)
            } else {
                merged.append(mark)
            }
        }
        return merged.sorted { ($0.span.start, $0.state.rank) < ($1.span.start, $1.state.rank) }
    }

    static func color(_ state: CoverageTimeline.State) -> String {
        switch state {
        case .invalid: return "#c62828"
        case .missing: return "#ef6c00"
        case .gap: return "#424242"
        case .notYetCovered: return "#fbc02d"
        case .verified: return "#43a047"
        case .none: return "#f5f5f5"
        case .logModified: return "#880e4f"
        case .logMissing: return "#8d6e63"
        case .logUnreferenced: return "#6a1b9a"
        case .logUnverified: return "#1e88e5"
        case .notVerifiable: return "#90a4ae"
        }
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
