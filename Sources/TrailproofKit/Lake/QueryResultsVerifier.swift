import TrailproofNative

/// Verifies a CloudTrail Lake query export: the sign file's signature, every result file's
/// SHA-256, and that the folder holds nothing the sign file does not list. Reports every problem.
///
/// Nothing the sign file lists is read before its signature verifies: the signature is checked
/// over the signed string alone (the `fileHashValue` values joined by a space), and a sign file
/// that is not authentic costs its own read, parse and one signature check, whatever it lists.
/// Every object under the folder is accounted for by its key's bytes: the sign file, a listed
/// result file, or a finding.
public struct QueryResultsVerifier: Sendable {
    /// The store holding the query folder.
    public let store: ObjectStore
    /// The folder's key prefix in the store ("" or ending in "/").
    public let folder: String
    /// Where the folder is (its query id and date); for a directory store, its path.
    public let location: QueryFolder
    /// Parallel reads.
    public let workers: Int

    /// Creates a verifier of the query folder `folder` in `store`; `location` is the folder's
    /// path when `folder` does not name it (a directory holding the export).
    public init(store: ObjectStore, folder: String, location: QueryFolder? = nil, workers: Int = VerificationOptions.defaultWorkers) {
        self.store = store
        self.folder = folder
        self.location = location ?? QueryFolder(path: folder)
        self.workers = min(max(1, workers), VerificationOptions.maximumWorkers)
    }

    /// Keys for the sign file's region, valid around its queryCompleteTime.
    public typealias KeyProvider = @Sendable (_ region: String, _ queryCompleteTime: UTCTime) throws -> (PublicKeyRing, [PublicKeySource])

    /// Runs the verification.
    /// - Parameter queryID: the query the user names; it must be the folder's (checked before anything is read).
    /// - Throws: `QueryResultsError` when `queryID` is not the folder's; when the folder cannot be
    ///   read or holds nothing at all, or keys cannot be had.
    public func run(queryID: String? = nil, keys provide: KeyProvider) throws -> QueryResultsReport {
        if let queryID, !queryID.sameBytes(as: location.queryID) {
            throw QueryResultsError.otherQuery(named: queryID, folder: location.queryID, source: store.displayName)
        }
        let signKey = folder + QuerySignFile.fileName
        // Every object under the folder, by the bytes of its key: nested ones, and keys ending in "/" too.
        let present = try store.listKeys().filter { $0.hasBytePrefix(folder) }.sorted { $0.bytesPrecede($1) }
        let others = present.filter { !$0.sameBytes(as: signKey) }
        var notices: [Notice] = []
        var sources: [PublicKeySource] = []
        var record = QueryResultsReport.SignFileRecord(key: signKey, verdict: .valid)
        var signFile: QuerySignFile?
        switch try readSignFile(signKey) {
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
        }

        var files: [QueryResultsReport.ResultFileRecord] = []
        let listed = signFile?.files ?? []
        if let signFile, record.verdict == .valid {
            // Authentic: now, and only now, what it lists is read.
            if listed.isEmpty { notices.append(.signFileListsNoResult) }
            if !Self.namesFollowCloudTrailsOrder(signFile.files) {
                notices.append(.resultNamesOutOfOrder)
            }
            files = try hashListedFiles(listed)
            let listedKeys = Set(listed.map { ObjectKey(folder + $0.name) })
            for key in others where !listedKeys.contains(ObjectKey(key)) {
                files.append(unlisted(key, detail: "present in the query folder, but the sign file does not list it"))
            }
        } else if signFile != nil {
            // Not authentic: its list is anyone's; no object is read, no listed name is used.
            if !listed.isEmpty {
                notices.append(.unauthenticSignFileListed(count: listed.count))
            }
            for key in others {
                var file = unlisted(key, detail: "not read: the sign file is \(record.verdict.rawValue), so nothing proves its content")
                file.verdict = .unverified
                files.append(file)
            }
        } else {
            for key in others {
                files.append(unlisted(key, detail: record.verdict == .missing ? "no sign file lists it" : "no readable sign file lists it"))
            }
        }
        let folderRecord = folderRecord(queryIDNamed: queryID != nil, completed: signFile?.queryCompleteTime)
        if folderRecord.verdict == .unchecked {
            notices.append(folderRecord.datePath.map { .queryFolderDateUnchecked(datePath: $0) } ?? .queryFolderNotLaidOut)
        }

        var totals = QueryResultsReport.Totals()
        totals.listed = listed.count
        totals.valid = files.filter { $0.verdict == .valid }.count
        for file in files { totals.filesByVerdict[file.verdict.rawValue, default: 0] += 1 }
        totals.findings = (record.verdict == .valid ? 0 : 1) + files.filter { $0.verdict != .valid }.count
            + (folderRecord.verdict == .dateMismatch ? 1 : 0)
        totals.exitStatus = totals.findings > 0 ? 1 : 0
        return QueryResultsReport(
            tool: .init(name: "trailproof", version: TrailproofVersion.current), source: store.displayName,
            publicKeySources: sources.map(\.description), folder: folderRecord, signFile: record, files: files, notices: notices, totals: totals)
    }

    /// A record for an object the sign file does not list (`key` under the folder).
    private func unlisted(_ key: String, detail: String) -> QueryResultsReport.ResultFileRecord {
        let name = String(decoding: key.utf8.dropFirst(folder.utf8.count), as: UTF8.self)
        return .init(name: name, key: key, verdict: .unlisted, detail: name.isEmpty ? detail + " (the folder's own key holds an object)" : detail)
    }

    /// The folder's query and whether its date fits `completed` (the sign file's queryCompleteTime).
    private func folderRecord(queryIDNamed: Bool, completed: UTCTime?) -> QueryResultsReport.FolderRecord {
        var record = QueryResultsReport.FolderRecord(queryID: location.queryID, queryIDNamed: queryIDNamed, datePath: location.datePath, verdict: .consistent)
        guard let datePath = location.datePath else {
            record.verdict = .unchecked
            record.detail = Notice.queryFolderNotLaidOut.text(.plain)
            return record
        }
        guard let completed else {
            record.verdict = .unchecked
            record.detail = Notice.queryFolderDateUnchecked(datePath: datePath).text(.plain)
            return record
        }
        if !location.dateFits(completed) {
            record.verdict = .dateMismatch
            record.detail = "the folder's date \(datePath) is more than a day from queryCompleteTime \(completed.iso8601): an export of another day moved here? (neither the folder nor queryCompleteTime is signed)"
        }
        return record
    }

    private func readSignFile(_ key: String) throws -> Result<QuerySignFile, DigestFormatError>? {
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
        files.enumerated().allSatisfy { index, file in file.name.hasBytePrefix("result_\(index + 1).") }
    }

    /// Hashes the listed files (of an authentic sign file) in parallel; a file the store cannot
    /// deliver at all ends the run.
    private func hashListedFiles(_ listed: [QuerySignFile.File]) throws -> [QueryResultsReport.ResultFileRecord] {
        let store = self.store, folder = self.folder
        let results = try parallelMap(count: listed.count, workers: workers, makeState: { () }, job: { _, index in
            QueryResultsVerifier.check(listed[index], key: folder + listed[index].name, store: store)
        })
        return try results.map { try $0.get() }
    }

    static func check(_ file: QuerySignFile.File, key: String, store: ObjectStore) -> Result<QueryResultsReport.ResultFileRecord, StoreError> {
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
        }
        return .success(record)
    }
}
