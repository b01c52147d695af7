/// Spans of time with a payload, searchable for one containing a given time in about log n
/// (sorted by start, with the running maximum of ends to stop early), so that looking up every
/// log file among many spans, hostile ones included, never costs spans × files.
struct SpanIndex<Payload> {
    private let entries: [(span: TimeSpan, payload: Payload)]
    private let maxEnd: [UTCTime]

    init(_ items: [(span: TimeSpan, payload: Payload)]) {
        entries = items.sorted { $0.span.start < $1.span.start }
        var running: [UTCTime] = []
        running.reserveCapacity(entries.count)
        for entry in entries { running.append(max(running.last ?? entry.span.end, entry.span.end)) }
        maxEnd = running
    }

    /// The first-starting span that contains `time`, scanning back from the last span starting by then.
    func first(containing time: UTCTime) -> (span: TimeSpan, payload: Payload)? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].span.start <= time { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        var found: (span: TimeSpan, payload: Payload)?
        while index >= 0 && maxEnd[index] >= time {
            if entries[index].span.contains(time) { found = entries[index] }
            index -= 1
        }
        return found
    }
}
