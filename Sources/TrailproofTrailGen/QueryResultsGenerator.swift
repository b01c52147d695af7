import TrailproofKit
import TrailproofNative

/// What to write for one CloudTrail Lake query export.
public struct QueryResultsSpec: Sendable {
    /// Seeds the rows.
    public var seed: UInt64 = 1
    /// The account whose folder holds the export.
    public var accountID = "111122223333"
    /// The region whose key signs the sign file.
    public var region = "us-east-1"
    /// When the query completed.
    public var completedAt = UTCTime(year: 2026, month: 1, day: 9, hour: 7, minute: 14, second: 3)!
    /// Number of result files.
    public var files = 3
    /// Rows per result file.
    public var rowsPerFile: ClosedRange<Int> = 20...60
    /// The signing key, by index in `SigningAuthority`'s pool.
    public var keyIndex = 0

    /// Default spec.
    public init() {}
}

/// A query export written to disk: its folder, files and the key file that verifies it.
public struct GeneratedQueryResults: Sendable {
    /// The bucket copy's root.
    public let root: String
    /// The query folder's key (ends in `/`).
    public let folderKey: String
    /// The result files' names, in the sign file's order.
    public let fileNames: [String]
    /// The key file (list-public-keys shape) holding the signing key.
    public let publicKeysFile: String

    /// The path of the query folder.
    public var folderPath: String { root + "/" + folderKey }
    /// The path of an object in the folder.
    public func path(of name: String) -> String { folderPath + name }
}

/// Writes CloudTrail Lake query results as CloudTrail saves them to S3: gzip'd CSV result files
/// and a `result_sign.json` signed over their stored bytes' SHA-256, in order.
public enum QueryResultsGenerator {
    /// Writes the export under `directory/bucket/AWSLogs/ACCOUNT/CloudTrail-Lake/Query/YYYY/MM/DD/QUERY-ID/`.
    public static func generate(_ spec: QueryResultsSpec, bucket: String = "trailproof-lake-bucket",
                                into directory: String) throws -> GeneratedQueryResults {
        var random = SeededGenerator(seed: spec.seed)
        let queryID = random.uuid().lowercased()
        let folderKey = "AWSLogs/\(spec.accountID)/CloudTrail-Lake/Query/\(spec.completedAt.keyDatePath)/\(queryID)/"
        let root = directory + "/" + bucket
        var files: [(name: String, sha256: String)] = []
        for number in 1...max(1, spec.files) where spec.files > 0 {
            var csv = "eventID,eventTime,eventSource,eventName,awsRegion,sourceIPAddress\n"
            for _ in 0..<Int.random(in: spec.rowsPerFile, using: &random) {
                let time = spec.completedAt.adding(seconds: -Int64.random(in: 600...86_400, using: &random))
                let source = random.pick(["s3.amazonaws.com", "iam.amazonaws.com", "ec2.amazonaws.com", "sts.amazonaws.com"])
                let name = random.pick(["GetObject", "CreateUser", "RunInstances", "AssumeRole", "PutBucketPolicy"])
                csv += "\(random.uuid().lowercased()),\(time.iso8601),\(source),\(name),\(spec.region),203.0.113.\(Int.random(in: 1...254, using: &random))\n"
            }
            let stored = try Gzip.compress(Array(csv.utf8))
            let name = "result_\(number).csv.gz"
            try LocalFile.write(stored, to: root + "/" + folderKey + name)
            files.append((name, try MessageDigest.sha256Hex(stored)))
        }
        let key = try SigningAuthority.key(spec.keyIndex)
        try writeSignFile(files: files, region: spec.region, completedAt: spec.completedAt, signer: key, to: root + "/" + folderKey)
        let keysFile = directory + "/lake-public-keys.json"
        let validity = TimeSpan(start: spec.completedAt.adding(seconds: -30 * 86_400), end: spec.completedAt.adding(seconds: 30 * 86_400))
        try LocalFile.write(SigningAuthority.listPublicKeysJSON([(key, validity)]), to: keysFile)
        return GeneratedQueryResults(root: root, folderKey: folderKey, fileNames: files.map(\.name), publicKeysFile: keysFile)
    }

    /// Writes `result_sign.json` into `folderPath` for `files` (name and SHA-256, in order), signed by `signer`.
    public static func writeSignFile(files: [(name: String, sha256: String)], region: String, completedAt: UTCTime,
                                     signer: SigningAuthority.Key, to folderPath: String) throws {
        let signed = files.map(\.sha256).joined(separator: " ")
        let signature = Hex.encode(try signer.privateKey.signSHA256(Array(signed.utf8)))
        let json = JSONWriter.encode(.object([
            ("version", .string("1.0")),
            ("region", .string(region)),
            ("files", .array(files.map { .object([("fileHashValue", .string($0.sha256)), ("fileName", .string($0.name))]) })),
            ("hashAlgorithm", .string("SHA-256")),
            ("signatureAlgorithm", .string("SHA256withRSA")),
            ("queryCompleteTime", .string(completedAt.iso8601)),
            ("hashSignature", .string(signature)),
            ("publicKeyFingerprint", .string(signer.fingerprint)),
        ]))
        try LocalFile.write(json, to: folderPath + QuerySignFile.fileName)
    }
}

/// Tampering with a query export.
extension GeneratedQueryResults {
    /// Appends a row to a result file (a hash mismatch).
    public func modifyFile(_ name: String) throws {
        let body = try Gzip.decompress(try LocalFile.readAll(path(of: name), limit: 1 << 30), limit: 1 << 30)
        try LocalFile.write(try Gzip.compress(body + Array("forged,2026-01-09T00:00:00Z,iam.amazonaws.com,DeleteUser,us-east-1,198.51.100.7\n".utf8)),
                            to: path(of: name))
    }

    /// Deletes an object of the folder.
    public func delete(_ name: String) throws { try LocalFile.remove(path(of: name)) }

    /// Writes a file the sign file does not list.
    public func plant(_ name: String) throws {
        try LocalFile.write(try Gzip.compress(Array("eventID\nplanted\n".utf8)), to: path(of: name))
    }

    /// The sign file's JSON text.
    public func signFileText() throws -> String {
        String(decoding: try LocalFile.readAll(path(of: QuerySignFile.fileName), limit: 1 << 24), as: UTF8.self)
    }

    /// Replaces the sign file's text (kept unsigned: the signature no longer matches, or it is malformed).
    public func rewriteSignFile(_ transform: (String) -> String) throws {
        try LocalFile.write(Array(transform(try signFileText()).utf8), to: path(of: QuerySignFile.fileName))
    }
}
