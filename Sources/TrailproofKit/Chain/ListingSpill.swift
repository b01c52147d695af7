import TrailproofNative

/// The trail objects' keys of a run's one listing, kept on disk: the survey writes each key as
/// it streams past to an unnamed temporary file, and each batch reads its locations' keys back
/// from there instead of listing their folders again. Every object is listed once per run, and
/// memory stays flat however large the listing (about 100 bytes of disk per object).
///
/// A key is filed under the location its name places it in: digests (of any trail: whether a
/// signature sidecar's digest is present does not depend on the selection), the selected
/// trail's log files by date folder, and sidecars under their digest's location. Other keys
/// are the survey's alone. A log file's record also holds the delivery minute its name gave
/// the survey, so that a group of log files is read back without parsing each name again
/// (the file is the run's own, unnamed: nothing else can write to it).
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
        var logFiles: [Segment] = []
        if let days {
            for day in days { logFiles += logSegments[location]?[day] ?? [] }
        } else {
            logFiles = (logSegments[location] ?? [:]).values.flatMap { $0 }
        }
        var keys: [String] = []
        for segment in digestSegments[location] ?? [] { try read(segment, timed: false) { key, _ in keys.append(key) } }
        for segment in logFiles { try read(segment, timed: true) { key, _ in keys.append(key) } }
        return keys
    }

    /// The log files of `location` in `days` (date folders), named as the survey parsed them.
    func logFiles(of location: TrailLocation, days: [String]) throws -> [LogFileKeyName] {
        var names: [LogFileKeyName] = []
        for segment in days.flatMap({ logSegments[location]?[$0] ?? [] }) {
            try read(segment, timed: true) { key, minute in
                names.append(LogFileKeyName(key: key, location: location, deliveryMinute: minute))
            }
        }
        return names
    }

    /// Each record of `segment`: its key, and with `timed` (a log file's record) its minute.
    private func read(_ segment: Segment, timed: Bool, _ body: (String, UTCTime) -> Void) throws {
        let bytes = try LocalFile.readBytes(segment.length, at: segment.offset, from: descriptor)
        let header = timed ? 12 : 4
        var index = 0
        while index + header <= bytes.count {
            let length = Int(Self.littleEndian(bytes, at: index, count: 4))
            let minute = timed ? UTCTime(secondsSinceEpoch: Int64(bitPattern: Self.littleEndian(bytes, at: index + 4, count: 8))) : UTCTime(secondsSinceEpoch: 0)
            guard index + header + length <= bytes.count else { throw StoreError.fetchFailed("the listing's temporary file is damaged") }
            body(String(decoding: bytes[(index + header)..<(index + header + length)], as: UTF8.self), minute)
            index += header + length
        }
        guard index == bytes.count else { throw StoreError.fetchFailed("the listing's temporary file is damaged") }
    }

    private static func littleEndian(_ bytes: [UInt8], at index: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for offset in (0..<count).reversed() { value = value << 8 | UInt64(bytes[index + offset]) }
        return value
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
            self.init(descriptor: try LocalFile.openAnonymous(in: LocalFile.temporaryDirectory))
        }

        /// A writer to an open read-write `descriptor`, which it owns from now on.
        init(descriptor: Int32) {
            self.descriptor = descriptor
            buffer.reserveCapacity(Self.flushSize + 4096)
        }

        /// Files a block of keys, encoded elsewhere (on another thread), as if each were added in turn.
        mutating func append(_ block: Block) throws {
            let base = written + Int64(buffer.count)
            for run in block.runs {
                let position = base + Int64(run.start)
                if let current = open, current.place != run.place {
                    close(at: position)
                }
                if open == nil { open = (run.place, position) }
            }
            buffer += block.bytes
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

    /// Keys encoded as the spill's records, with where each run of one place starts: made on a
    /// thread of its own (a page of the listing while the next is listed), then filed in order
    /// by `Writer.append`.
    struct Block: Sendable {
        /// The records, as they go into the file.
        private(set) var bytes: [UInt8] = []
        fileprivate private(set) var runs: [(place: Writer.Place, start: Int)] = []

        /// An empty block.
        init() {}

        /// An empty block in the storage of `bytes` (a block already filed: a page's records
        /// are a few hundred kilobytes, which would otherwise be a fresh mapping each page).
        init(reusing bytes: [UInt8]) {
            self.bytes = bytes
            self.bytes.removeAll(keepingCapacity: true)
        }

        /// Encodes `key` under `place`; a log file's place (one with a day) takes its delivery
        /// `minute` as well.
        mutating func add(_ key: String, at place: Writer.Place, minute: UTCTime?) {
            precondition((place.logFileDay == nil) == (minute == nil), "a log file's record holds its minute, no other does")
            if runs.last?.place != place { runs.append((place, bytes.count)) }
            // Byte by byte: an array literal here would be an allocation per key.
            append(UInt64(key.utf8.count), bytes: 4)
            if let minute { append(UInt64(bitPattern: minute.secondsSinceEpoch), bytes: 8) }
            bytes += key.utf8
        }

        private mutating func append(_ value: UInt64, bytes count: Int) {
            for shift in stride(from: 0, to: count * 8, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
    }
}
