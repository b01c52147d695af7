import TrailproofNative

/// One verified log file read again for release: its uncompressed bytes, checked against the
/// SHA-256 its digest lists, and where each record lies in them.
struct LogFileRecords: Sendable {
    /// One record of `Records`.
    struct Record: Sendable {
        /// Its bytes in `bytes`: exactly the JSON object as CloudTrail wrote it.
        let range: Range<Int>
        /// Its eventID, when it is a string.
        let eventID: String?
        /// Its eventTime, when it is a time.
        let eventTime: UTCTime?
        /// The members a filter reads, when there is a filter.
        let fields: JSONValue?
        /// True for `{}`.
        let isEmptyObject: Bool
    }

    /// Why a file is not released.
    enum Failure: Error {
        /// Not what was verified any more (another hash or size, not JSON): withheld.
        case changed(String)
        /// The store could not deliver it: the run cannot go on.
        case fetchFailed(String)
    }

    let bytes: [UInt8]
    let records: [Record]

    /// Reads `log` from `store`, refusing more bytes than verification hashed, and splits it.
    static func read(_ log: LogFileRecord, from store: ObjectStore, keeping names: Set<String>) -> Result<LogFileRecords, Failure> {
        guard let expected = log.expectedSHA256, let size = log.uncompressedBytes else { return .failure(.changed("never hashed")) }
        var bytes: [UInt8] = []
        do {
            bytes.reserveCapacity(Int(size))
            let hash = try store.gunzipAndHash(log.key, decoder: try GzipDecoder(), sha256: try MessageDigest(.sha256),
                                               restart: { bytes.removeAll(keepingCapacity: true) }) { output in
                guard bytes.count + output.count <= Int(size) else { throw Failure.changed("larger than when it was verified") }
                bytes.append(contentsOf: output)
            }
            guard let hash else { return .failure(.changed("gone since it was verified")) }
            guard hash == expected, bytes.count == Int(size) else {
                return .failure(.changed("its SHA-256 changed since it was verified"))
            }
        } catch let failure as Failure {
            return .failure(failure)
        } catch StoreError.fetchFailed(let detail) {
            return .failure(.fetchFailed(detail))
        } catch {
            return .failure(.changed("\(error)"))
        }
        // The fast path, for CloudTrail's own shape {"Records":[…]} when no filter needs the
        // records' fields; StrictJSON otherwise, or whenever the fast scan is unsure.
        let opening = Array("{\"Records\":".utf8)
        if names.isEmpty, bytes.starts(with: opening), bytes.last == UInt8(ascii: "}"),
           let found = RecordScanner.scan(bytes, array: opening.count..<(bytes.count - 1)) {
            let records = found.map { record in
                Record(range: record.range,
                       eventID: record.eventID.map { String(decoding: bytes[$0], as: UTF8.self) },
                       eventTime: record.eventTime.flatMap { UTCTime(parsing: String(decoding: bytes[$0], as: UTF8.self)) },
                       fields: nil, isEmptyObject: isEmptyObject(bytes, record.range))
            }
            return .success(LogFileRecords(bytes: bytes, records: records))
        }
        do {
            guard let array = try StrictJSON.parseObject(bytes, skipping: ["Records"]).skipped["Records"], array.arrayCount != nil else {
                return .failure(.changed("no Records array"))
            }
            let wanted = names.union(["eventID", "eventTime"])
            let records = try StrictJSON.elementRanges(ofArrayIn: bytes, range: array.range).map { range -> Record in
                let members = try StrictJSON.members(of: bytes, range: range, keeping: wanted)
                return Record(range: range, eventID: members["eventID"]?.stringValue,
                              eventTime: members["eventTime"]?.stringValue.flatMap(UTCTime.init(parsing:)),
                              fields: names.isEmpty ? nil : .object(members),
                              isEmptyObject: isEmptyObject(bytes, range))
            }
            return .success(LogFileRecords(bytes: bytes, records: records))
        } catch {
            // CloudTrail's own bytes, hash-checked, that are not the expected shape: withheld, never guessed at.
            return .failure(.changed("its records cannot be read: \(error)"))
        }
    }

    /// True when the object at `range` is `{}` (white space allowed inside).
    private static func isEmptyObject(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes[range].dropFirst().drop { [0x20, 0x09, 0x0A, 0x0D].contains($0) }.first == UInt8(ascii: "}")
    }

    /// The location a log file key names.
    static func location(of key: String) -> TrailLocation? {
        if case .logFile(let name)? = TrailObjectKey(key) { return name.location }
        return nil
    }
}
