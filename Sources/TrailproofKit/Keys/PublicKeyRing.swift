import FoundationEssentials
import TrailproofNative

/// The public keys available for checking digest signatures, by fingerprint.
///
/// One fingerprint is one key: its validity windows are kept merged and sorted, so adding and
/// looking up stay fast whatever the number of entries (a hostile key file may hold many).
public struct PublicKeyRing: Sendable {
    private struct Entry: Sendable {
        var key: CloudTrailPublicKey
        /// Merged, sorted validity windows in epoch seconds; open ends are Int64.min / Int64.max.
        var windows: [ClosedRange<Int64>]
    }
    private var entries: [String: Entry] = [:]

    /// An empty ring.
    public init() {}

    /// A ring holding `keys`.
    public init(keys: [CloudTrailPublicKey]) {
        for key in keys { add(key) }
    }

    /// Adds a key; a window already covered adds nothing. A key whose DER differs from the one
    /// already held under its fingerprint is refused (`false`): one fingerprint, one key.
    @discardableResult
    public mutating func add(_ key: CloudTrailPublicKey) -> Bool {
        let window = (key.validityStart?.secondsSinceEpoch ?? .min)...(key.validityEnd?.secondsSinceEpoch ?? .max)
        // Taken out of the dictionary while it changes, so its windows are not copied on write.
        guard var entry = entries.removeValue(forKey: key.fingerprint) else {
            entries[key.fingerprint] = Entry(key: key, windows: [window])
            return true
        }
        defer { entries[key.fingerprint] = entry }
        guard entry.key.der == key.der else { return false }
        PublicKeyRing.merge(&entry.windows, window)
        return true
    }

    /// Inserts `new` into sorted, disjoint `windows`, merging the windows it overlaps.
    private static func merge(_ windows: inout [ClosedRange<Int64>], _ new: ClosedRange<Int64>) {
        // Binary search for the first window ending at or after the new one's start.
        var low = 0, high = windows.count
        while low < high {
            let middle = (low + high) / 2
            if windows[middle].upperBound < new.lowerBound { low = middle + 1 } else { high = middle }
        }
        var lower = new.lowerBound, upper = new.upperBound
        var end = low
        while end < windows.count && windows[end].lowerBound <= upper {
            lower = min(lower, windows[end].lowerBound)
            upper = max(upper, windows[end].upperBound)
            end += 1
        }
        if low == windows.count {
            windows.append(lower...upper)
        } else {
            windows.replaceSubrange(low..<end, with: CollectionOfOne(lower...upper))
        }
    }

    /// Number of distinct keys.
    public var count: Int { entries.count }

    /// Every key, sorted by fingerprint.
    public var keys: [CloudTrailPublicKey] { entries.keys.sorted().compactMap { entries[$0]?.key } }

    /// The outcome of looking a key up.
    public enum Lookup: Sendable {
        /// A key with that fingerprint, valid for the digest.
        case found(CloudTrailPublicKey)
        /// No key with that fingerprint.
        case unknownFingerprint
        /// Keys with that fingerprint exist, but none was valid when the digest was signed.
        case notValidThen(CloudTrailPublicKey)
    }

    /// Finds the key with `fingerprint` that may have signed a digest ending at `digestEnd`
    /// (any validity when `digestEnd` is nil): a validity window overlapping
    /// [digestEnd, digestEnd + `CloudTrailPublicKey.deliveryAllowance`].
    public func lookup(fingerprint: String, digestEnd: UTCTime?) -> Lookup {
        guard let entry = entries[fingerprint.lowercased()] else { return .unknownFingerprint }
        guard let digestEnd else { return .found(entry.key) }
        let earliest = digestEnd.secondsSinceEpoch
        let latest = earliest + CloudTrailPublicKey.deliveryAllowance
        var low = 0, high = entry.windows.count
        while low < high {
            let middle = (low + high) / 2
            if entry.windows[middle].upperBound < earliest { low = middle + 1 } else { high = middle }
        }
        if low < entry.windows.count, entry.windows[low].lowerBound <= latest { return .found(entry.key) }
        return .notValidThen(entry.key)
    }

    /// The validity windows held for `fingerprint`, as times (nil for an open end).
    public func validity(of fingerprint: String) -> [(start: UTCTime?, end: UTCTime?)] {
        (entries[fingerprint.lowercased()]?.windows ?? []).map {
            ($0.lowerBound == .min ? nil : UTCTime(secondsSinceEpoch: $0.lowerBound),
             $0.upperBound == .max ? nil : UTCTime(secondsSinceEpoch: $0.upperBound))
        }
    }

    /// The ring as the JSON `aws cloudtrail list-public-keys` prints (ISO times).
    public func listPublicKeysJSON() throws -> [UInt8] {
        var list: [PublicKeyListEntry] = []
        for fingerprint in entries.keys.sorted() {
            guard let entry = entries[fingerprint] else { continue }
            for window in validity(of: fingerprint) {
                list.append(PublicKeyListEntry(fingerprint: fingerprint, value: Data(entry.key.der).base64EncodedString(),
                                               validityStartTime: window.start?.iso8601, validityEndTime: window.end?.iso8601))
            }
        }
        return try PublicKeyListFile(publicKeyList: list).encoded()
    }

    /// Latest validity time accepted (9999-12-31T23:59:59Z); earlier than 1970 is refused too.
    static let latestTime: Int64 = 253_402_300_799

    /// Reads the JSON that `aws cloudtrail list-public-keys` prints (or the raw API response):
    /// `PublicKeyList` (or `publicKeyList`), times as epoch numbers, numeric strings or ISO 8601.
    /// Every value is checked: times in range, fingerprints matching, keys RSA of at least 2048
    /// bits, one key per fingerprint.
    /// - Parameter name: the file name, for error messages.
    public static func parseListPublicKeys(_ bytes: [UInt8], name: String) throws -> [CloudTrailPublicKey] {
        func fail(_ reason: KeyFileError.Reason) -> KeyFileError { KeyFileError(file: name, reason: reason) }
        guard let root = (try? StrictJSON.parse(bytes))?.objectValue else { throw fail(.notJSON) }
        let lists = ["PublicKeyList", "publicKeyList"].compactMap { root[$0] }
        guard lists.count == 1, let list = lists[0].arrayValue else { throw fail(.noPublicKeyList) }
        var keys: [CloudTrailPublicKey] = []
        var parsedByValue: [String: CloudTrailPublicKey] = [:]
        var derByFingerprint: [String: [UInt8]] = [:]
        for (index, element) in list.enumerated() {
            guard let entry = element.objectValue,
                  let value = entry["Value"]?.stringValue,
                  let fingerprint = entry["Fingerprint"]?.stringValue
            else { throw fail(.badEntry(index: index, detail: "Value and Fingerprint are required strings")) }
            let start = try parseTime(entry["ValidityStartTime"], index: index, field: "ValidityStartTime", fail: fail)
            let end = try parseTime(entry["ValidityEndTime"], index: index, field: "ValidityEndTime", fail: fail)
            if let start, let end, end < start {
                throw fail(.badEntry(index: index, detail: "ValidityEndTime is before ValidityStartTime"))
            }
            let cacheKey = value + "\u{0}" + fingerprint.lowercased()
            if let known = parsedByValue[cacheKey] {
                keys.append(known.withValidity(start: start, end: end))
                continue
            }
            guard let der = Data(base64Encoded: value.trimmingWhitespace) else {
                throw fail(.badEntry(index: index, detail: "Value is not base64"))
            }
            let key: CloudTrailPublicKey
            do {
                key = try CloudTrailPublicKey(der: Array(der), fingerprint: fingerprint, validityStart: start, validityEnd: end)
            } catch let reason as KeyFileError.Reason {
                throw fail(reason)
            }
            if let other = derByFingerprint[key.fingerprint], other != key.der {
                throw fail(.fingerprintCollision(fingerprint: key.fingerprint))
            }
            derByFingerprint[key.fingerprint] = key.der
            parsedByValue[cacheKey] = key
            keys.append(key)
        }
        return keys
    }

    private static func parseTime(_ value: JSONValue?, index: Int, field: String,
                                  fail: (KeyFileError.Reason) -> KeyFileError) throws -> UTCTime? {
        guard let value, !value.isNull else { return nil }
        if let text = value.stringValue, let time = UTCTime(parsing: text) { return time }
        if let seconds = value.wholeNumber(in: 0...latestTime) { return UTCTime(secondsSinceEpoch: seconds) }
        let shown: String
        switch value {
        case .string(let text), .number(let text): shown = String(text.prefix(40))
        default: shown = "not a number or a time"
        }
        throw fail(.badEntry(index: index, detail: "\(field) is not a time between 1970 and 9999: \(shown)"))
    }
}

/// A public key file that cannot be used. Always an operational error (exit 2).
public struct KeyFileError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with a key file.
    public enum Reason: Error, Sendable, CustomStringConvertible {
        /// The file could not be read.
        case unreadable(String)
        /// The file is not a JSON object.
        case notJSON
        /// The object has no PublicKeyList array.
        case noPublicKeyList
        /// The PublicKeyList array is empty.
        case emptyPublicKeyList
        /// One entry is ill-formed.
        case badEntry(index: Int, detail: String)
        /// A Value does not hash (MD5) to its Fingerprint.
        case fingerprintMismatch(stated: String, actual: String)
        /// A Value is not a DER RSA public key (PKCS#1 or SubjectPublicKeyInfo).
        case notAnRSAKey(fingerprint: String)
        /// An RSA key shorter than CloudTrail's 2048 bits.
        case weakKey(fingerprint: String, bits: Int)
        /// Two different keys under one fingerprint.
        case fingerprintCollision(fingerprint: String)

        public var description: String {
            switch self {
            case .unreadable(let detail): return "cannot read: \(detail)"
            case .notJSON: return "not a JSON object"
            case .noPublicKeyList: return "no PublicKeyList array (expected the output of `aws cloudtrail list-public-keys`)"
            case .emptyPublicKeyList: return "PublicKeyList is empty: no key to check signatures with (was the time range or region right?)"
            case .badEntry(let index, let detail): return "PublicKeyList[\(index)]: \(detail)"
            case .fingerprintMismatch(let stated, let actual):
                return "key with Fingerprint \(stated) hashes to \(actual): the Value does not match its Fingerprint"
            case .notAnRSAKey(let fingerprint): return "key \(fingerprint) is not a DER RSA public key (PKCS#1 RSAPublicKey or SubjectPublicKeyInfo)"
            case .weakKey(let fingerprint, let bits):
                return "key \(fingerprint) is a \(bits)-bit RSA key; CloudTrail signs with 2048-bit keys, and shorter ones are refused"
            case .fingerprintCollision(let fingerprint):
                return "two different keys carry the fingerprint \(fingerprint): one fingerprint must name one key"
            }
        }
    }

    /// The key file.
    public let file: String
    /// What is wrong.
    public let reason: Reason

    /// Creates an error for `file`.
    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "public key file \(file): \(reason)" }
}
