import TrailproofNative

/// The records of one verified log file: its uncompressed bytes, and where each record lies in them.
public struct LogFileRecords: Sendable {
    /// One record of `Records`.
    struct Record: Sendable {
        /// Its bytes in `bytes`: exactly the JSON object as CloudTrail wrote it.
        let range: Range<Int>
        /// The FNV-1a hash of its eventID (`DedupeWindow.hash`), when that is a string.
        let eventID: UInt64?
        /// Its eventTime, when it is a time.
        let eventTime: UTCTime?
        /// The members a filter reads, when there is a filter.
        let fields: JSONValue?
    }

    /// Why a valid file's records cannot be released.
    public struct Unreadable: Error, Sendable {
        /// In words.
        public let reason: String
    }

    let bytes: [UInt8]
    let records: [Record]

    /// Splits a log file's bytes into its records (with the top-level members in `names` read, for
    /// filters).
    static func split(_ bytes: [UInt8], keeping names: Set<String>) -> Result<LogFileRecords, Unreadable> {
        // The fast path, for CloudTrail's own shape {"Records":[…]} when no filter needs the
        // records' fields; StrictJSON otherwise, or whenever the fast scan is unsure.
        let opening = Array("{\"Records\":".utf8)
        if names.isEmpty, bytes.starts(with: opening), bytes.last == UInt8(ascii: "}"),
           let found = RecordScanner.scan(bytes, array: opening.count..<(bytes.count - 1)) {
            let records = found.map { record in
                Record(range: record.range,
                       eventID: record.eventID.map { DedupeWindow.hash(bytes[$0]) },
                       eventTime: record.eventTime.flatMap { UTCTime(utf8: bytes[$0]) },
                       fields: nil)
            }
            return .success(LogFileRecords(bytes: bytes, records: records))
        }
        do {
            guard let array = try StrictJSON.parseObject(bytes, skipping: ["Records"]).skipped["Records"], array.arrayCount != nil else {
                return .failure(Unreadable(reason: "no Records array"))
            }
            let wanted = Set(names.map { ObjectKey($0) }).union(["eventID", "eventTime"])
            let records = try StrictJSON.elementRanges(ofArrayIn: bytes, range: array.range).map { range -> Record in
                let members = try StrictJSON.members(of: bytes, range: range, keeping: wanted)
                return Record(range: range, eventID: members["eventID"]?.stringValue.map { DedupeWindow.hash(Array($0.utf8)[...]) },
                              eventTime: members["eventTime"]?.stringValue.flatMap(UTCTime.init(parsing:)),
                              fields: names.isEmpty ? nil : .object(members))
            }
            return .success(LogFileRecords(bytes: bytes, records: records))
        } catch {
            // CloudTrail's own bytes, hash-checked, that are not the expected shape: withheld, never guessed at.
            return .failure(Unreadable(reason: "its records cannot be read: \(error)"))
        }
    }

    /// The location a log file key names.
    static func location(of key: String) -> TrailLocation? {
        if case .logFile(let name)? = TrailObjectKey(key) { return name.location }
        return nil
    }
}
