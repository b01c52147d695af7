import TrailproofNative

/// A CloudTrail Lake `result_sign.json`: which result files a query exported, their SHA-256
/// (over the stored, compressed bytes), and CloudTrail's signature over those hashes.
public struct QuerySignFile: Sendable, Equatable {
    /// The name CloudTrail gives the sign file.
    public static let fileName = "result_sign.json"
    /// Largest sign file read.
    public static let sizeLimit = 16 << 20

    /// One exported result file.
    public struct File: Sendable, Equatable {
        /// The file's name within the query folder.
        public var name: String
        /// Lower-case hex SHA-256 of its stored bytes.
        public var sha256: String
        /// `fileHashValue` exactly as written: what CloudTrail signed.
        public var fileHashValue: String

        /// A listed file; `fileHashValue` as written (default: `sha256`).
        public init(name: String, sha256: String, fileHashValue: String? = nil) {
            self.name = name
            self.sha256 = sha256
            self.fileHashValue = fileHashValue ?? sha256
        }
    }

    /// `version`.
    public var version: String
    /// `region`: whose key signed (not covered by the signature).
    public var region: String
    /// `files`, in order: the order of the signed hashes.
    public var files: [File]
    /// `queryCompleteTime`, as written.
    public var queryCompleteTimeText: String
    /// `queryCompleteTime`, parsed: the key must have been valid then.
    public var queryCompleteTime: UTCTime
    /// `hashSignature`, hex.
    public var signatureHex: String
    /// `publicKeyFingerprint`, lower-case hex MD5 of the key's DER bytes.
    public var publicKeyFingerprint: String

    /// The string CloudTrail signs: the files' `fileHashValue` values as written, in order,
    /// joined by one space. Nothing else in the sign file is signed.
    public var signedBytes: [UInt8] { Array(files.map(\.fileHashValue).joined(separator: " ").utf8) }

    /// Parses and checks a sign file's JSON strictly.
    /// - Throws: `DigestFormatError` naming what is wrong.
    public init(json bytes: [UInt8]) throws {
        let root: [ObjectKey: JSONValue]
        do {
            guard let object = try StrictJSON.parse(bytes).objectValue else { throw DigestFormatError("the sign file is not a JSON object") }
            root = object
        } catch let error as JSONSyntaxError {
            throw DigestFormatError("not valid JSON: \(error)")
        }
        let fields = JSONFields(root, path: "")
        version = try fields.string("version")
        region = try fields.string("region")
        guard TrailObjectKey.isRegion(region) else { throw DigestFormatError("region \(region.prefix(64)) is not a region") }
        let hashAlgorithm = try fields.string("hashAlgorithm")
        guard hashAlgorithm.sameBytes(as: "SHA-256") else { throw DigestFormatError("unsupported hashAlgorithm \(hashAlgorithm.prefix(64))") }
        let signatureAlgorithm = try fields.string("signatureAlgorithm")
        guard signatureAlgorithm.sameBytes(as: DigestSignatureCheck.algorithm) else {
            throw DigestFormatError("unsupported signatureAlgorithm \(signatureAlgorithm.prefix(64))")
        }
        queryCompleteTimeText = try fields.string("queryCompleteTime")
        queryCompleteTime = try fields.time("queryCompleteTime")
        signatureHex = try fields.string("hashSignature").lowercased()
        publicKeyFingerprint = try fields.string("publicKeyFingerprint").lowercased()
        guard let list = root["files"]?.arrayValue else { throw DigestFormatError("files is missing or not an array") }
        // Names compared as bytes: two spellings of one text are two objects.
        var names = Set<ObjectKey>()
        files = try list.enumerated().map { index, element in
            guard let entry = element.objectValue else { throw DigestFormatError("files[\(index)] is not an object") }
            let item = JSONFields(entry, path: "files[\(index)].")
            let name = try item.string("fileName")
            let written = try item.string("fileHashValue")
            let hash = written.lowercased()
            guard hash.utf8.count == 64, Hex.decode(hash) != nil else { throw DigestFormatError("files[\(index)].fileHashValue is not a SHA-256") }
            guard QuerySignFile.isSafeName(name) else { throw DigestFormatError("files[\(index)].fileName \(name.debugDescription) is not a plain file name") }
            guard names.insert(ObjectKey(name)).inserted else { throw DigestFormatError("files[\(index)].fileName \(name) is listed twice") }
            return File(name: name, sha256: hash, fileHashValue: written)
        }
    }

    /// A name inside the query folder: no separators, no `.`/`..`, no control characters.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.sameBytes(as: ".") && !name.sameBytes(as: "..") && name.utf8.count <= 1024
            && !name.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
    }
}
