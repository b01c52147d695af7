import Foundation
import TrailproofNative

/// The public keys available for checking digest signatures, by fingerprint.
public struct PublicKeyRing: Sendable {
    private var keysByFingerprint: [String: [CloudTrailPublicKey]] = [:]

    /// An empty ring.
    public init() {}

    /// A ring holding `keys`.
    public init(keys: [CloudTrailPublicKey]) {
        for key in keys { add(key) }
    }

    /// Adds a key; the same key twice is kept once.
    public mutating func add(_ key: CloudTrailPublicKey) {
        var list = keysByFingerprint[key.fingerprint, default: []]
        if !list.contains(where: { $0.validityStart == key.validityStart && $0.validityEnd == key.validityEnd }) {
            list.append(key)
        }
        keysByFingerprint[key.fingerprint] = list
    }

    /// Number of distinct keys.
    public var count: Int { keysByFingerprint.count }

    /// Every key, sorted by fingerprint.
    public var keys: [CloudTrailPublicKey] { keysByFingerprint.keys.sorted().compactMap { keysByFingerprint[$0]?.first } }

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
    /// (any validity when `digestEnd` is nil).
    public func lookup(fingerprint: String, digestEnd: UTCTime?) -> Lookup {
        guard let candidates = keysByFingerprint[fingerprint.lowercased()], let first = candidates.first else {
            return .unknownFingerprint
        }
        guard let digestEnd else { return .found(first) }
        if let valid = candidates.first(where: { $0.maySign(digestEndingAt: digestEnd) }) { return .found(valid) }
        return .notValidThen(first)
    }

    /// The ring as the JSON `aws cloudtrail list-public-keys` prints (ISO times).
    public func listPublicKeysJSON() throws -> [UInt8] {
        var entries: [[String: Any]] = []
        for fingerprint in keysByFingerprint.keys.sorted() {
            for key in keysByFingerprint[fingerprint] ?? [] {
                var entry: [String: Any] = ["Fingerprint": key.fingerprint, "Value": Data(key.der).base64EncodedString()]
                if let start = key.validityStart { entry["ValidityStartTime"] = start.iso8601 }
                if let end = key.validityEnd { entry["ValidityEndTime"] = end.iso8601 }
                entries.append(entry)
            }
        }
        return Array(try JSONSerialization.data(withJSONObject: ["PublicKeyList": entries], options: [.prettyPrinted, .sortedKeys]))
    }

    /// Reads the JSON that `aws cloudtrail list-public-keys` prints (or the raw API response).
    /// Times may be epoch numbers or ISO 8601 strings.
    /// - Parameter name: the file name, for error messages.
    public static func parseListPublicKeys(_ bytes: [UInt8], name: String) throws -> [CloudTrailPublicKey] {
        func fail(_ reason: KeyFileError.Reason) -> KeyFileError { KeyFileError(file: name, reason: reason) }
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw fail(.notJSON)
        }
        guard let list = root["PublicKeyList"] as? [Any] else { throw fail(.noPublicKeyList) }
        var keys: [CloudTrailPublicKey] = []
        for (index, element) in list.enumerated() {
            guard let entry = element as? [String: Any],
                  let value = entry["Value"] as? String,
                  let fingerprint = entry["Fingerprint"] as? String
            else { throw fail(.badEntry(index: index, detail: "Value and Fingerprint are required strings")) }
            guard let der = Data(base64Encoded: value.trimmingWhitespace) else {
                throw fail(.badEntry(index: index, detail: "Value is not base64"))
            }
            let start = try parseTime(entry["ValidityStartTime"], index: index, field: "ValidityStartTime", fail: fail)
            let end = try parseTime(entry["ValidityEndTime"], index: index, field: "ValidityEndTime", fail: fail)
            do {
                keys.append(try CloudTrailPublicKey(der: Array(der), fingerprint: fingerprint, validityStart: start, validityEnd: end))
            } catch let reason as KeyFileError.Reason {
                throw fail(reason)
            }
        }
        return keys
    }

    private static func parseTime(_ value: Any?, index: Int, field: String,
                                  fail: (KeyFileError.Reason) -> KeyFileError) throws -> UTCTime? {
        switch value {
        case nil, is NSNull:
            return nil
        case let number as NSNumber:
            return UTCTime(secondsSinceEpoch: Int64(number.doubleValue.rounded(.down)))
        case let text as String:
            if let time = UTCTime(parsing: text) { return time }
            if let seconds = Double(text) { return UTCTime(secondsSinceEpoch: Int64(seconds.rounded(.down))) }
            throw fail(.badEntry(index: index, detail: "\(field) is not a time: \(text)"))
        default:
            throw fail(.badEntry(index: index, detail: "\(field) is not a time"))
        }
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
        /// A Value is not a DER PKCS#1 RSA public key.
        case notAnRSAKey(fingerprint: String)

        public var description: String {
            switch self {
            case .unreadable(let detail): return "cannot read: \(detail)"
            case .notJSON: return "not a JSON object"
            case .noPublicKeyList: return "no PublicKeyList array (expected the output of `aws cloudtrail list-public-keys`)"
            case .emptyPublicKeyList: return "PublicKeyList is empty: no key to check signatures with (was the time range or region right?)"
            case .badEntry(let index, let detail): return "PublicKeyList[\(index)]: \(detail)"
            case .fingerprintMismatch(let stated, let actual):
                return "key with Fingerprint \(stated) hashes to \(actual): the Value does not match its Fingerprint"
            case .notAnRSAKey(let fingerprint): return "key \(fingerprint) is not a DER PKCS#1 RSA public key"
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
