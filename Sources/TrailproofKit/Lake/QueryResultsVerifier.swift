import TrailproofNative

/// Verifies a CloudTrail Lake query export: the sign file's signature, every result file's
/// SHA-256, and that the folder holds nothing the sign file does not list. Reports every problem.
public struct QueryResultsVerifier: Sendable {
    /// The store holding the query folder.
    public let store: ObjectStore
    /// The folder's key prefix in the store ("" or ending in "/").
    public let folder: String
    /// Parallel reads.
    public let workers: Int

    /// Creates a verifier of the query folder `folder` in `store`.
    public init(store: ObjectStore, folder: String, workers: Int = VerificationOptions.defaultWorkers) {
        self.store = store
        self.folder = folder
        self.workers = min(max(1, workers), VerificationOptions.maximumWorkers)
    }

    /// Keys for the sign file's region, valid around its queryCompleteTime.
    public typealias KeyProvider = @Sendable (_ region: String, _ queryCompleteTime: UTCTime) throws -> (PublicKeyRing, [PublicKeySource])

    /// Runs the verification.
    /// - Throws: when the folder cannot be read or holds nothing at all, or keys cannot be had.
    public func run(keys provide: KeyProvider) throws -> QueryResultsReport {
        let signKey = folder + QuerySignFile.fileName
        let present = Set(try store.listKeys().filter { $0.hasPrefix(folder) && !$0.hasSuffix("/") })
        var notices: [String] = []
        var sources: [PublicKeySource] = []
        var record = QueryResultsReport.SignFileRecord(key: signKey, verdict: .valid)
        var signFile: QuerySignFile?
        switch try readSignFile(signKey, present: present) {
        case .none:
            guard !present.isEmpty else { throw StoreError.storeUnusable("no CloudTrail Lake query results under \(store.displayName): expected \(QuerySignFile.fileName) and result files") }
            record.verdict = .missing
            record.detail = "the folder holds result files but no \(QuerySignFile.fileName): nothing vouches for them"
        case .some(.failure(let error)):
            record.verdict = .malformed
            record.detail = "\(error)"
        case .some(.success(let parsed)):
            signFile = parsed
            record.region = parsed.region
            record.queryCompleteTime = parsed.queryCompleteTime
            record.publicKeyFingerprint = parsed.publicKeyFingerprint
            let (ring, keySources) = try provide(parsed.region, parsed.queryCompleteTime)
            sources = keySources
            if let problem = Self.signatureProblem(parsed, keys: ring) { (record.verdict, record.detail) = problem }
            if parsed.files.isEmpty { notices.append("the sign file lists no result file (the AWS CLI refuses this; its signature over the empty list is checked)") }
            if !Self.namesFollowCloudTrailsOrder(parsed.files) {
                notices.append("the result files are not named result_1, result_2, … in the order of the signed hashes (names are not covered by the signature)")
            }
        }

        var files = try hashListedFiles(signFile?.files ?? [], authentic: record.verdict == .valid)
        let listed = Set((signFile?.files ?? []).map { folder + $0.name })
        for key in present.sorted() where key != signKey && !listed.contains(key) {
            files.append(.init(name: String(key.dropFirst(folder.count)), key: key, verdict: .unlisted,
                               detail: record.verdict == .missing ? "no sign file lists it" : "present in the query folder, but the sign file does not list it"))
        }
        var totals = QueryResultsReport.Totals()
        totals.listed = signFile?.files.count ?? 0
        totals.valid = files.filter { $0.verdict == .valid }.count
        for file in files { totals.filesByVerdict[file.verdict.rawValue, default: 0] += 1 }
        totals.findings = (record.verdict == .valid ? 0 : 1) + files.filter { $0.verdict != .valid }.count
        totals.exitStatus = totals.findings > 0 ? 1 : 0
        return QueryResultsReport(
            tool: .init(name: "trailproof", version: TrailproofVersion.current), source: store.displayName,
            publicKeySources: sources.map(\.description), signFile: record, files: files, notices: notices, totals: totals)
    }

    private func readSignFile(_ key: String, present: Set<String>) throws -> Result<QuerySignFile, DigestFormatError>? {
        let bytes: [UInt8]?
        do {
            bytes = try store.readObject(key, limit: QuerySignFile.sizeLimit)
        } catch StoreError.unreadable(_, let detail) {
            return .failure(DigestFormatError("cannot be read: \(detail)"))
        }
        guard let bytes else { return nil }
        do {
            return .success(try QuerySignFile(json: bytes))
        } catch let error as DigestFormatError {
            return .failure(error)
        }
    }

    /// The verdict and detail when the signature does not hold, nil when it does.
    static func signatureProblem(_ sign: QuerySignFile, keys: PublicKeyRing) -> (SignFileVerdict, String)? {
        guard let signature = Hex.decode(sign.signatureHex), !signature.isEmpty else {
            return (.signatureInvalid, "hashSignature is not hex")
        }
        let key: CloudTrailPublicKey
        switch keys.lookup(fingerprint: sign.publicKeyFingerprint, digestEnd: sign.queryCompleteTime) {
        case .found(let found): key = found
        case .unknownFingerprint:
            return (.publicKeyNotFound, "no public key with fingerprint \(sign.publicKeyFingerprint) for region \(sign.region)")
        case .notValidThen:
            return (.publicKeyNotFound, "public key \(sign.publicKeyFingerprint) was not valid at queryCompleteTime \(sign.queryCompleteTimeText)")
        }
        guard (try? key.rsa.verifySHA256(signature: signature, message: sign.signedBytes)) == true else {
            return (.signatureInvalid, "SHA256withRSA signature does not verify with public key \(key.fingerprint): the sign file or a hash in it was modified")
        }
        return nil
    }

    /// True when the names are CloudTrail's `result_N.…`, numbered 1, 2, … in order.
    static func namesFollowCloudTrailsOrder(_ files: [QuerySignFile.File]) -> Bool {
        files.enumerated().allSatisfy { index, file in file.name.hasPrefix("result_\(index + 1).") }
    }

    /// Hashes the listed files in parallel; a file the store cannot deliver at all ends the run.
    private func hashListedFiles(_ listed: [QuerySignFile.File], authentic: Bool) throws -> [QueryResultsReport.ResultFileRecord] {
        let store = self.store, folder = self.folder
        let results = try parallelMap(count: listed.count, workers: workers, makeState: { () }, job: { _, index in
            QueryResultsVerifier.check(listed[index], key: folder + listed[index].name, store: store, authentic: authentic)
        })
        return try results.map { try $0.get() }
    }

    static func check(_ file: QuerySignFile.File, key: String, store: ObjectStore,
                      authentic: Bool) -> Result<QueryResultsReport.ResultFileRecord, StoreError> {
        var record = QueryResultsReport.ResultFileRecord(name: file.name, key: key, verdict: .valid, expectedSHA256: file.sha256)
        do {
            let sha256 = try MessageDigest(.sha256)
            var size: Int64 = 0
            let found = try store.streamObject(key, restart: { try sha256.reset(); size = 0 }) { chunk in
                try sha256.update(chunk)
                size += Int64(chunk.count)
            }
            guard found else {
                record.verdict = .missing
                record.detail = "listed by the sign file but absent"
                return .success(record)
            }
            record.actualSHA256 = Hex.encode(try sha256.finish())
            record.bytes = size
        } catch StoreError.fetchFailed(let detail) {
            return .failure(.fetchFailed(detail))
        } catch {
            record.verdict = .unreadable
            record.detail = "\(error)"
            return .success(record)
        }
        if record.actualSHA256 != file.sha256 {
            record.verdict = .modified
            record.detail = "SHA-256 of the stored bytes is \(record.actualSHA256 ?? "?"), the sign file lists \(file.sha256)"
        } else if !authentic {
            record.verdict = .unverified
            record.detail = "its hash matches a sign file that is not authentic: nothing proves its content"
        }
        return .success(record)
    }
}
