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
        let parsed: (members: [ObjectKey: JSONValue], skipped: [ObjectKey: StrictJSON.SkippedMember])
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

    /// `text.lowercased()`, without a copy when it is already lower-case ASCII (as CloudTrail
    /// writes every hash): one allocation saved for each of a digest's log files.
    static func lowercasedHex(_ text: String) -> String {
        text.utf8.contains { $0 >= 0x80 || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } ? text.lowercased() : text
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
        // Only the six fields of each entry are built. The first problem is thrown once the
        // whole array has proven valid JSON, as a parse of the whole array would.
        var entries: [LogFileEntry] = []
        var problem: DigestFormatError?
        let isArray: Bool
        do {
            isArray = try StrictJSON.forEachObject(inArray: bytes, range: range, keeping: LogFileFields.names) { fields in
                guard problem == nil else { return }
                let index = entries.count
                guard let fields else {
                    problem = DigestFormatError("logFiles[\(index)] is not an object")
                    return
                }
                do {
                    entries.append(try LogFileFields(values: fields, index: index).entry())
                } catch let error as DigestFormatError {
                    problem = error
                }
            }
        } catch let error as JSONSyntaxError {
            throw DigestFormatError("logFiles is not valid JSON: \(error)")
        }
        guard isArray else { throw DigestFormatError("logFiles is missing or not an array") }
        if let problem { throw problem }
        return entries
    }
}

/// The fields of one logFiles entry, by position in `names`, with errors that name the field.
private struct LogFileFields {
    static let names = ["s3Bucket", "s3Object", "hashValue", "hashAlgorithm"]
    let values: [JSONValue?]
    let index: Int

    func entry() throws -> LogFileEntry {
        let bucket = try string(0), object = try string(1), hashValue = Digest.lowercasedHex(try string(2))
        let algorithm = values[3] == nil || values[3] == .null ? "SHA-256" : try string(3)
        return LogFileEntry(bucket: bucket, object: object, hashValue: hashValue, hashAlgorithm: algorithm)
    }

    private func name(_ slot: Int) -> String { "logFiles[\(index)].\(LogFileFields.names[slot])" }

    private func string(_ slot: Int) throws -> String {
        guard let value = values[slot] else { throw DigestFormatError("field \(name(slot)) is missing") }
        guard let text = value.stringValue else { throw DigestFormatError("field \(name(slot)) is not a string") }
        guard text.utf8.count <= Digest.fieldLengthLimit else {
            throw DigestFormatError("field \(name(slot)) is longer than \(Digest.fieldLengthLimit) bytes")
        }
        return text
    }
}

/// Typed access to the fields of a JSON object, with errors that name the field.
struct JSONFields {
    let raw: [ObjectKey: JSONValue]
    let path: String

    init(_ raw: [ObjectKey: JSONValue], path: String) {
        self.raw = raw
        self.path = path
    }

    func isNullOrAbsent(_ name: String) -> Bool {
        guard let value = raw[ObjectKey(name)] else { return true }
        return value.isNull
    }

    func string(_ name: String) throws -> String {
        guard let value = raw[ObjectKey(name)] else { throw DigestFormatError("field \(path)\(name) is missing") }
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
