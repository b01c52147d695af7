import TrailproofKit
import TrailproofNative

/// Writes one chain's digests: JSON in CloudTrail's field order, gzip, signature, metadata.
struct ChainWriter {
    let spec: TrailSpec
    let root: String
    let chain: ChainID
    private var previous: (key: String, hash: String, signature: String)?
    private var newest: (key: String, signature: String, backfillGeneratedAt: UTCTime?)?

    init(spec: TrailSpec, root: String, chain: ChainID) {
        self.spec = spec
        self.root = root
        self.chain = chain
    }

    /// Object key of this chain's digest ending at `end`.
    func key(endingAt end: UTCTime) -> String {
        let location = chain.location
        var name = "\(location.accountID)_CloudTrail-Digest_\(location.region)_\(chain.trailName)_\(chain.homeRegion)_\(end.compact(withSeconds: true))"
        if chain.isBackfill { name += "_backfill" }
        return "\(location.accountFolder)CloudTrail-Digest/\(location.region)/\(end.keyDatePath)/\(name).json.gz"
    }

    /// Writes the next digest of the chain (or the first one of a restarted chain).
    mutating func writeDigest(span: TimeSpan, logs: [TrailGenerator.PlannedLog], key signer: SigningAuthority.Key,
                              restart: Bool) throws -> GeneratedDigest {
        if restart { previous = nil }
        let key = key(endingAt: span.end)
        typealias Value = JSONWriter.Value
        let logEntries: [Value] = logs.map { log in
            .object([
                ("s3Bucket", .string(spec.bucket)), ("s3Object", .string(log.key)), ("hashValue", .string(log.hash)),
                ("hashAlgorithm", .string("SHA-256")), ("newestEventTime", .string(log.eventSpan.end.iso8601)),
                ("oldestEventTime", .string(log.eventSpan.start.iso8601)),
            ])
        }
        let newestEvent = logs.map(\.eventSpan.end).max()
        let oldestEvent = logs.map(\.eventSpan.start).min()
        func orNull(_ text: String?) -> Value { text.map { .string($0) } ?? .null }
        let json = JSONWriter.encode(.object([
            ("awsAccountId", .string(chain.location.accountID)),
            ("digestStartTime", .string(span.start.iso8601)),
            ("digestEndTime", .string(span.end.iso8601)),
            ("digestS3Bucket", .string(spec.bucket)),
            ("digestS3Object", .string(key)),
            ("digestPublicKeyFingerprint", .string(signer.fingerprint)),
            ("digestSignatureAlgorithm", .string("SHA256withRSA")),
            ("newestEventTime", orNull(newestEvent?.iso8601)),
            ("oldestEventTime", orNull(oldestEvent?.iso8601)),
            ("previousDigestS3Bucket", orNull(previous.map { _ in spec.bucket })),
            ("previousDigestS3Object", orNull(previous?.key)),
            ("previousDigestHashValue", orNull(previous?.hash)),
            ("previousDigestHashAlgorithm", orNull(previous.map { _ in "SHA-256" })),
            ("previousDigestSignature", orNull(previous?.signature)),
            ("logFiles", .array(logEntries)),
        ]))
        let hash = try MessageDigest.sha256Hex(json)
        let signed = [span.end.iso8601, "\(spec.bucket)/\(key)", hash, previous?.signature ?? "null"].joined(separator: "\n")
        let signature = Hex.encode(try signer.privateKey.signSHA256(Array(signed.utf8)))
        let path = root + "/" + key
        try LocalFile.write(try Gzip.compress(json), to: path)
        // CloudTrail marks backfill digests with the time they were generated (after their end).
        let generated = chain.isBackfill ? span.end.adding(seconds: 600) : nil
        if spec.metadataSidecars == .all {
            try ChainWriter.writeSidecar(for: path, signature: signature, length: json.count, backfillGeneratedAt: generated)
        }
        if spec.extendedAttributes {
            try LocalFile.setExtendedAttribute("user.signature", value: Array(signature.utf8), on: path)
            try LocalFile.setExtendedAttribute("user.signature-algorithm", value: Array("SHA256withRSA".utf8), on: path)
        }
        let digest = GeneratedDigest(key: key, chain: chain, startTime: span.start, endTime: span.end, signatureHex: signature,
                                     logKeys: logs.map(\.key), isChainStart: previous == nil)
        previous = (key, hash, signature)
        newest = (key, signature, generated)
        return digest
    }

    /// Writes what only the chain's end decides (the newest digest's sidecar under `.newest`).
    func finish() throws {
        if spec.metadataSidecars == .newest, let newest {
            try ChainWriter.writeSidecar(for: root + "/" + newest.key, signature: newest.signature, length: 0,
                                         backfillGeneratedAt: newest.backfillGeneratedAt)
        }
    }

    /// Writes `<path>.metadata.json` in the shape `aws s3api head-object` prints.
    static func writeSidecar(for path: String, signature: String, length: Int, backfillGeneratedAt: UTCTime? = nil) throws {
        var metadata: [(String, JSONWriter.Value)] = [("signature-algorithm", .string("SHA256withRSA")), ("signature", .string(signature))]
        if let backfillGeneratedAt { metadata.append(("backfill-generation-timestamp", .string(backfillGeneratedAt.iso8601))) }
        let json = JSONWriter.encode(.object([
            ("AcceptRanges", .string("bytes")),
            ("ContentLength", .number(Int64(length))),
            ("ContentType", .string("application/json")),
            ("ContentEncoding", .string("gzip")),
            ("ServerSideEncryption", .string("AES256")),
            ("Metadata", .object(metadata)),
        ]))
        try LocalFile.write(json, to: path + ".metadata.json")
    }
}
