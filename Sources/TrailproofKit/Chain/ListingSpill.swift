import FoundationEssentials
import TrailproofNative

/// The trail objects' keys of a run's one listing, kept on disk: the survey writes each key as
/// it streams past to an unnamed temporary file, and each batch reads its locations' keys back
/// from there instead of listing their folders again. Every object is listed once per run, and
/// memory stays flat however large the listing (about 100 bytes of disk per object).
///
/// A key is filed under the location its name places it in: digests (of any trail: whether a
/// signature sidecar's digest is present does not depend on the selection), the selected
/// trail's log files by date folder, and sidecars under their digest's location. Other keys
/// are the survey's alone.
final class ListingSpill: Sendable {
    /// A run of consecutive keys in the file.
    struct Segment: Sendable, Equatable {
        var offset: Int64
        var length: Int
    }

    private let descriptor: Int32
    /// Digest and sidecar keys per location.
    private let digestSegments: [TrailLocation: [Segment]]
    /// Log file keys per location and date folder (`YYYY/MM/DD`).
    private let logSegments: [TrailLocation: [String: [Segment]]]

    fileprivate init(descriptor: Int32, digestSegments: [TrailLocation: [Segment]], logSegments: [TrailLocation: [String: [Segment]]]) {
        self.descriptor = descriptor
        self.digestSegments = digestSegments
        self.logSegments = logSegments
    }

    deinit { LocalFile.close(descriptor) }

    /// The digest and sidecar keys of `location`, with its log files of `days` (date folders),
    /// or of every day when nil.
    func keys(of location: TrailLocation, logFileDays days: [String]?) throws -> [String] {
        var segments = digestSegments[location] ?? []
        if let days {
            for day in days { segments += logSegments[location]?[day] ?? [] }
        } else {
            segments += (logSegments[location] ?? [:]).values.flatMap { $0 }
        }
        return try segments.flatMap(read)
    }

    /// The log file keys of `location` in `days` (date folders).
    func logFileKeys(of location: TrailLocation, days: [String]) throws -> [String] {
        try days.flatMap { logSegments[location]?[$0] ?? [] }.flatMap(read)
    }

    private func read(_ segment: Segment) throws -> [String] {
        let bytes = try LocalFile.readBytes(segment.length, at: segment.offset, from: descriptor)
        var keys: [String] = []
        var index = 0
        while index + 4 <= bytes.count {
            let length = Int(bytes[index]) | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2]) << 16 | Int(bytes[index + 3]) << 24
            guard index + 4 + length <= bytes.count else { throw StoreError.fetchFailed("the listing's temporary file is damaged") }
            keys.append(String(decoding: bytes[(index + 4)..<(index + 4 + length)], as: UTF8.self))
            index += 4 + length
        }
        return keys
    }

    /// Writes a listing's keys, in the order they come, into segments.
    struct Writer {
        /// Where a key is filed: its location, and for a log file its date folder.
        struct Place: Equatable, Sendable {
            var location: TrailLocation
            var logFileDay: String?

            static func == (lhs: Place, rhs: Place) -> Bool {
                guard lhs.location == rhs.location else { return false }
                switch (lhs.logFileDay, rhs.logFileDay) {
                case (nil, nil): return true
                case (let left?, let right?): return left.sameBytes(as: right)
                default: return false
                }
            }
        }

        private let descriptor: Int32
        private var buffer: [UInt8] = []
        private var written: Int64 = 0
        private var open: (place: Place, start: Int64)?
        private var digestSegments: [TrailLocation: [Segment]] = [:]
        private var logSegments: [TrailLocation: [String: [Segment]]] = [:]
        private static let flushSize = 1 << 20

        /// A writer to a new unnamed file in the temporary directory (`TMPDIR`, else /tmp).
        init() throws {
            let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            self.init(descriptor: try LocalFile.openAnonymous(in: directory))
        }

        /// A writer to an open read-write `descriptor`, which it owns from now on.
        init(descriptor: Int32) {
            self.descriptor = descriptor
            buffer.reserveCapacity(Self.flushSize + 4096)
        }

        /// Files `key` under `place`.
        mutating func add(_ key: String, at place: Place) throws {
            let position = written + Int64(buffer.count)
            if let current = open, current.place != place {
                close(at: position)
            }
            if open == nil { open = (place, position) }
            let count = key.utf8.count
            // Byte by byte: an array literal here would be an allocation per key.
            for shift in stride(from: 0, to: 32, by: 8) { buffer.append(UInt8(truncatingIfNeeded: count >> shift)) }
            buffer += key.utf8
            if buffer.count >= Self.flushSize { try flush() }
        }

        private mutating func close(at position: Int64) {
            guard let (place, start) = open else { return }
            let segment = Segment(offset: start, length: Int(position - start))
            if let day = place.logFileDay {
                logSegments[place.location, default: [:]][day, default: []].append(segment)
            } else {
                digestSegments[place.location, default: []].append(segment)
            }
            open = nil
        }

        private mutating func flush() throws {
            try buffer.withUnsafeBytes { try LocalFile.write($0, to: descriptor) }
            written += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }

        /// The spill, readable from any thread.
        mutating func finish() throws -> ListingSpill {
            close(at: written + Int64(buffer.count))
            try flush()
            return ListingSpill(descriptor: descriptor, digestSegments: digestSegments, logSegments: logSegments)
        }

        /// Closes the file of a writer that will not finish.
        func discard() { LocalFile.close(descriptor) }
    }
}
