/// Why a digest's JSON is not a usable digest.
public struct DigestFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Digest {
    /// Longest text accepted in any single field of a digest (S3 keys are at most 1,024 bytes,
    /// signatures 1,024 hex digits): a longer one is malformed, so a hostile field costs nothing.
    public static let fieldLengthLimit = 4096

    /// Parses the uncompressed JSON of a digest file, with its log file list.
    /// - Throws: `DigestFormatError` naming the first missing or ill-typed field.
    public init(json bytes: [UInt8]) throws {
        try self.init(json: bytes, parsingLogFiles: true)
    }

    /// Parses the uncompressed JSON of a digest file. Without `parsingLogFiles`, the logFiles
    /// array is validated and counted but not built (`logFiles` is empty): what an unverified
    /// digest lists is not worth any memory.
    /// - Throws: `DigestFormatError` naming the first missing or ill-typed field.
    public init(json bytes: [UInt8], parsingLogFiles: Bool) throws {
        var logFilesRange = 0..<0
        try self.init(json: bytes, logFilesRange: &logFilesRange)
        if parsingLogFiles { try parseLogFiles(from: bytes, range: logFilesRange) }
    }

    /// Parses a digest's header, leaving `logFiles` empty; `logFilesRange` receives where the
    /// logFiles array lies in `bytes`, for `parseLogFiles(from:range:)`.
    init(json bytes: [UInt8], logFilesRange: inout Range<Int>) throws {
        let parsed: (members: [String: JSONValue], skipped: [String: StrictJSON.SkippedMember])
        do {
            parsed = try StrictJSON.parseObject(bytes, skipping: ["logFiles"])
        } catch let error as JSONSyntaxError {
            throw DigestFormatError("not valid JSON: \(error)")
        }
        let fields = JSONFields(parsed.members, path: "")
        guard let logFiles = parsed.skipped["logFiles"], let count = logFiles.arrayCount else {
            throw DigestFormatError("logFiles is missing or not an array")
        }
        self.init(
            accountID: try fields.string("awsAccountId"),
            startTime: try fields.time("digestStartTime"),
            endTime: try fields.time("digestEndTime"),
            endTimeText: try fields.string("digestEndTime"),
            bucket: try fields.string("digestS3Bucket"),
            object: try fields.string("digestS3Object"),
            publicKeyFingerprint: try fields.string("digestPublicKeyFingerprint").lowercased(),
            signatureAlgorithm: try fields.string("digestSignatureAlgorithm"),
            previous: try Digest.parsePrevious(fields),
            logFiles: [])
        logFileCount = count
        logFilesRange = logFiles.range
        guard startTime <= endTime else { throw DigestFormatError("digestStartTime is after digestEndTime") }
    }

    /// Builds the log file list of a digest whose header was parsed without it, from the same
    /// bytes and the range the header parse found it at.
    mutating func parseLogFiles(from bytes: [UInt8], range: Range<Int>) throws {
        logFiles = try Digest.parseLogFiles(bytes, range: range)
        logFileCount = logFiles.count
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

    private static func parseLogFiles(_ bytes: [UInt8], range: Range<Int>) throws -> [LogFileEntry] {
        let value: JSONValue
        do {
            value = try StrictJSON.parse(bytes, range: range)
        } catch let error as JSONSyntaxError {
            throw DigestFormatError("logFiles is not valid JSON: \(error)")
        }
        guard let array = value.arrayValue else { throw DigestFormatError("logFiles is missing or not an array") }
        var entries: [LogFileEntry] = []
        entries.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            guard let entry = element.objectValue else { throw DigestFormatError("logFiles[\(index)] is not an object") }
            let item = JSONFields(entry, path: "logFiles[\(index)].")
            var span: TimeSpan?
            if let oldest = try? item.time("oldestEventTime"), let newest = try? item.time("newestEventTime") {
                span = TimeSpan(start: oldest, end: newest)
            }
            entries.append(LogFileEntry(
                bucket: try item.string("s3Bucket"),
                object: try item.string("s3Object"),
                hashValue: try item.string("hashValue").lowercased(),
                hashAlgorithm: item.isNullOrAbsent("hashAlgorithm") ? "SHA-256" : try item.string("hashAlgorithm"),
                eventSpan: span))
        }
        return entries
    }
}

/// Typed access to the fields of a JSON object, with errors that name the field.
struct JSONFields {
    let raw: [String: JSONValue]
    let path: String

    init(_ raw: [String: JSONValue], path: String) {
        self.raw = raw
        self.path = path
    }

    func isNullOrAbsent(_ name: String) -> Bool {
        guard let value = raw[name] else { return true }
        return value.isNull
    }

    func string(_ name: String) throws -> String {
        guard let value = raw[name] else { throw DigestFormatError("field \(path)\(name) is missing") }
        guard let text = value.stringValue else { throw DigestFormatError("field \(path)\(name) is not a string") }
        guard text.utf8.count <= Digest.fieldLengthLimit else {
            throw DigestFormatError("field \(path)\(name) is longer than \(Digest.fieldLengthLimit) bytes")
        }
        return text
    }

    func time(_ name: String) throws -> UTCTime {
        let text = try string(name)
        guard let time = UTCTime(parsing: text) else { throw DigestFormatError("field \(path)\(name) is not a UTC time: \(text.prefix(64))") }
        return time
    }
}
