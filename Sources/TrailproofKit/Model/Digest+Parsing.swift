import Foundation

/// Why a digest's JSON is not a usable digest.
public struct DigestFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Digest {
    /// Parses the uncompressed JSON of a digest file.
    /// - Throws: `DigestFormatError` naming the first missing or ill-typed field.
    public init(json bytes: [UInt8]) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw DigestFormatError("not valid JSON")
        }
        guard let root = object as? [String: Any] else { throw DigestFormatError("JSON is not an object") }
        let fields = JSONFields(root, path: "")

        let endText = try fields.string("digestEndTime")
        self.init(
            accountID: try fields.string("awsAccountId"),
            startTime: try fields.time("digestStartTime"),
            endTime: try fields.time("digestEndTime"),
            endTimeText: endText,
            bucket: try fields.string("digestS3Bucket"),
            object: try fields.string("digestS3Object"),
            publicKeyFingerprint: try fields.string("digestPublicKeyFingerprint").lowercased(),
            signatureAlgorithm: try fields.string("digestSignatureAlgorithm"),
            previous: try Digest.parsePrevious(fields),
            logFiles: try Digest.parseLogFiles(fields))
        guard startTime <= endTime else { throw DigestFormatError("digestStartTime is after digestEndTime") }
    }

    private static func parsePrevious(_ fields: JSONFields) throws -> PreviousDigestLink? {
        let names = ["previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue", "previousDigestSignature"]
        let nulls = names.filter { fields.isNullOrAbsent($0) }
        if nulls.count == names.count { return nil }
        guard nulls.isEmpty else {
            throw DigestFormatError("previous-digest fields are partly null (\(nulls.joined(separator: ", ")))")
        }
        return PreviousDigestLink(
            bucket: try fields.string("previousDigestS3Bucket"),
            object: try fields.string("previousDigestS3Object"),
            hashValue: try fields.string("previousDigestHashValue").lowercased(),
            hashAlgorithm: fields.isNullOrAbsent("previousDigestHashAlgorithm") ? "SHA-256" : try fields.string("previousDigestHashAlgorithm"),
            signature: try fields.string("previousDigestSignature").lowercased())
    }

    private static func parseLogFiles(_ fields: JSONFields) throws -> [LogFileEntry] {
        guard let array = fields.raw["logFiles"] as? [Any] else {
            throw DigestFormatError("logFiles is missing or not an array")
        }
        return try array.enumerated().map { index, element in
            guard let entry = element as? [String: Any] else { throw DigestFormatError("logFiles[\(index)] is not an object") }
            let item = JSONFields(entry, path: "logFiles[\(index)].")
            var span: TimeSpan?
            if let oldest = try? item.time("oldestEventTime"), let newest = try? item.time("newestEventTime") {
                span = TimeSpan(start: oldest, end: newest)
            }
            return LogFileEntry(
                bucket: try item.string("s3Bucket"),
                object: try item.string("s3Object"),
                hashValue: try item.string("hashValue").lowercased(),
                hashAlgorithm: item.isNullOrAbsent("hashAlgorithm") ? "SHA-256" : try item.string("hashAlgorithm"),
                eventSpan: span)
        }
    }
}

/// Typed access to the fields of a JSON object, with errors that name the field.
struct JSONFields {
    let raw: [String: Any]
    let path: String

    init(_ raw: [String: Any], path: String) {
        self.raw = raw
        self.path = path
    }

    func isNullOrAbsent(_ name: String) -> Bool {
        guard let value = raw[name] else { return true }
        return value is NSNull
    }

    func string(_ name: String) throws -> String {
        guard let value = raw[name] else { throw DigestFormatError("field \(path)\(name) is missing") }
        guard let text = value as? String, !(value is NSNumber) else { throw DigestFormatError("field \(path)\(name) is not a string") }
        return text
    }

    func time(_ name: String) throws -> UTCTime {
        let text = try string(name)
        guard let time = UTCTime(parsing: text) else { throw DigestFormatError("field \(path)\(name) is not a UTC time: \(text)") }
        return time
    }
}
