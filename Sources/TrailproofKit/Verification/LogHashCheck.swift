import Synchronization
import TrailproofNative

/// Hashes log files listed by verified digests, in parallel, streamed through gunzip and SHA-256;
/// with a consumer, also hands it each valid file's content from the same read, in job order.
struct LogHashCheck {
    /// One log file to check.
    struct Job: Sendable {
        /// The order records are released in: by chain, time, key and listing digest (byte-wise).
        static func releaseOrder(_ lhs: Job, _ rhs: Job) -> Bool {
            if lhs.proof.chain != rhs.proof.chain { return lhs.proof.chain < rhs.proof.chain }
            let (left, right) = (lhs.time ?? UTCTime(secondsSinceEpoch: 0), rhs.time ?? UTCTime(secondsSinceEpoch: 0))
            if left != right { return left < right }
            if !lhs.object.sameBytes(as: rhs.object) { return lhs.object.bytesPrecede(rhs.object) }
            return lhs.digestKey.bytesPrecede(rhs.digestKey)
        }

        /// The log file's key, as its digest lists it.
        let object: String
        /// The hex SHA-256 its digest lists for its uncompressed content.
        let hashValue: String
        let time: UTCTime?
        /// Who vouches for it: what a consumer learns when it proves valid.
        let proof: Proof

        /// The key of the digest that lists it.
        var digestKey: String { proof.digestKey }
        /// The bucket it is read from (its digest lists it there: a file listed in another is
        /// never a job).
        var bucket: String { proof.logFileBucket }
    }

    /// The digest behind a job (authentic, or the job would not exist): one instance per digest,
    /// shared by all its jobs, so a job costs a pointer for it and what is the same for all of
    /// them is held once (a job is copied to the thread that checks it, and each reference it
    /// holds is retained and released there: a shared one by both threads at once).
    final class Proof: Sendable {
        let digestKey: String
        let digestBucket: String
        let digestEnd: UTCTime
        let chain: ChainID
        /// The report's id of `chain`, made once per digest rather than once per log file.
        let chainLabel: String
        let signatureSource: SignatureSource?
        let publicKeyFingerprint: String
        /// The bucket of every log file of the digest that is a job.
        let logFileBucket: String

        init(digestKey: String, digestBucket: String, digestEnd: UTCTime, chain: ChainID, signatureSource: SignatureSource?,
             publicKeyFingerprint: String, logFileBucket: String) {
            self.digestKey = digestKey
            self.digestBucket = digestBucket
            self.digestEnd = digestEnd
            self.chain = chain
            chainLabel = TrailproofKit.chainLabel(chain)
            self.signatureSource = signatureSource
            self.publicKeyFingerprint = publicKeyFingerprint
            self.logFileBucket = logFileBucket
        }
    }

    let store: ObjectStore
    let workers: Int
    /// Whether valid files' records are kept; when not, they are counted as they come.
    var keepsValid = true
    /// The largest log file read; a larger one is `unreadable`.
    var limits = SizeLimits()

    /// The largest log file read, compressed and uncompressed (`VerificationOptions`' defaults).
    struct SizeLimits: Sendable {
        var compressed = VerificationOptions.defaultLogFileSizeLimit
        var uncompressed = VerificationOptions.defaultLogFileSizeLimit
    }

    /// What the run keeps of a job: its record, or for a valid file not kept, its size.
    enum Outcome {
        case record(LogFileRecord)
        case countedValid(bytes: Int64)
    }

    /// A valid file not kept costs no record (its strings are shared by every thread's jobs).
    private func outcome(_ job: Job, _ checked: Checked) -> Outcome {
        keepsValid || checked.verdict != .valid ? .record(checked.record(for: job)) : .countedValid(bytes: checked.uncompressedBytes ?? 0)
    }

    /// The records kept, and the count and size of the valid files that were not.
    typealias Results = (records: [LogFileRecord], unlistedValid: UnlistedValidRecords)

    private static func collect(_ results: [Result<Outcome, StoreError>]) throws -> Results {
        var records: [LogFileRecord] = []
        var unlisted = UnlistedValidRecords()
        for result in results {
            switch try result.get() {
            case .record(let record): records.append(record)
            case .countedValid(let bytes): unlisted.add(UnlistedValidRecords(logFiles: 1, logFileBytes: bytes))
            }
        }
        return (records, unlisted)
    }

    /// Runs every job and returns one record per job, in job order; each valid file a consumer
    /// wants goes to it from the same read, in job order.
    /// - Throws: `StoreError.fetchFailed` when a log file could not be fetched at all, and what
    ///   the consumer's `deliver` throws.
    func run(_ jobs: [Job], consumer: (any VerifiedLogFileConsumer)? = nil,
             progress: (@Sendable (VerificationProgress) -> Void)?) throws -> Results {
        if let consumer { return try run(jobs, releasingTo: consumer, progress: progress) }
        let counters = Counters()
        let total = jobs.count
        let store = self.store
        let limits = self.limits
        let results = try parallelMap(count: jobs.count, workers: workers, makeState: { [workers] in
            try GunzipState(workers: workers)
        }, job: { state, index in
            let job = jobs[index]
            let result = LogHashCheck.check(job, store: store, state: &state, limits: limits, keeping: nil)
            if let progress {
                let (done, bytes) = counters.add(bytes: (try? result.get().uncompressedBytes ?? 0) ?? 0)
                progress(.logFiles(done: done, total: total, bytes: bytes))
            }
            return result.map { outcome(job, $0) }
        })
        return try Self.collect(results)
    }

    private func run<Consumer: VerifiedLogFileConsumer>(_ jobs: [Job], releasingTo consumer: Consumer,
                                                        progress: (@Sendable (VerificationProgress) -> Void)?) throws -> Results {
        let counters = Counters()
        let total = jobs.count
        let store = self.store
        let limits = self.limits
        // A valid file's content waits for every earlier one: one file per worker, plus one, at most.
        let results = try parallelMapDeliveringInOrder(count: jobs.count, workers: workers, window: workers + 1, makeState: { [workers] in
            try GunzipState(workers: workers)
        }, job: { state, index -> (Result<Outcome, StoreError>, (VerifiedLogFile, Consumer.Prepared)?) in
            let job = jobs[index]
            let file = VerifiedLogFile(key: job.object, bucket: job.bucket, time: job.time, sha256: job.hashValue,
                                       digestKey: job.digestKey, digestBucket: job.proof.digestBucket, digestEnd: job.proof.digestEnd,
                                       chain: job.proof.chainLabel, signatureSource: job.proof.signatureSource,
                                       publicKeyFingerprint: job.proof.publicKeyFingerprint)
            let result = LogHashCheck.check(job, store: store, state: &state, limits: limits,
                                            keeping: consumer.wants(file) ? consumer.byteLimit : nil)
            if let progress {
                let (done, bytes) = counters.add(bytes: (try? result.get().uncompressedBytes ?? 0) ?? 0)
                progress(.logFiles(done: done, total: total, bytes: bytes))
            }
            guard case .success(let checked) = result, checked.verdict == .valid, let content = checked.content else {
                return (result.map { outcome(job, $0) }, nil)
            }
            return (.success(outcome(job, checked)), (file, consumer.prepare(file, content)))
        }, deliver: { _, delivery in
            if let (file, prepared) = delivery { try consumer.deliver(file, prepared) }
        })
        return try Self.collect(results)
    }

    /// What hashing one log file found, and its content when it was kept.
    struct Checked {
        var verdict = LogFileVerdict.valid
        var detail: String?
        /// The SHA-256 found, when it is not the listed one.
        var differingSHA256: String?
        var uncompressedBytes: Int64?
        var content: VerifiedLogFile.Content?

        /// The report's record of `job`'s file.
        func record(for job: Job) -> LogFileRecord {
            // The listed hash's own string when they match: one copy per record, not two.
            let actual = differingSHA256 ?? (uncompressedBytes == nil ? nil : job.hashValue)
            return LogFileRecord(key: job.object, bucket: job.bucket, digest: job.digestKey, verdict: verdict,
                                 detail: detail, expectedSHA256: job.hashValue, actualSHA256: actual,
                                 uncompressedBytes: uncompressedBytes, time: job.time)
        }
    }

    /// Hashes one log file; with `keeping`, also keeps its uncompressed bytes, up to that many.
    /// A file over `limits` is `unreadable`, read no further than the limit.
    static func check(_ job: Job, store: ObjectStore, state: inout GunzipState, limits: SizeLimits = SizeLimits(),
                      keeping limit: Int?) -> Result<Checked, StoreError> {
        var checked = Checked()
        func fail(_ verdict: LogFileVerdict, _ detail: String) -> Result<Checked, StoreError> {
            checked.verdict = verdict
            checked.detail = detail
            return .success(checked)
        }
        var uncompressed: Int64 = 0
        var kept: [UInt8] = []
        var keeping = limit != nil
        do {
            guard let actual = try store.gunzipAndHash(job.object, decoder: state.decoder, sha256: state.digest,
                                                       compressedLimit: limits.compressed, uncompressedLimit: limits.uncompressed,
                                                       restart: { uncompressed = 0; kept = []; keeping = limit != nil }, { output in
                uncompressed += Int64(output.count)
                guard keeping else { return }
                if let limit, uncompressed > Int64(limit) {
                    keeping = false
                    kept = []
                } else {
                    kept.append(contentsOf: output)
                }
            }) else { return fail(.missing, "listed by \(job.digestKey) but absent") }
            checked.uncompressedBytes = uncompressed
            guard actual.matches(hex: job.hashValue) else {
                checked.differingSHA256 = actual.hex
                return fail(.modified, "SHA-256 of the uncompressed content is \(actual.hex), the digest lists \(job.hashValue)")
            }
            guard let limit else { return .success(checked) }
            checked.content = keeping ? .bytes(kept) : .tooLarge(limit: limit)
            return .success(checked)
        } catch let error as ObjectSizeLimitExceeded {
            return fail(.unreadable, "\(error)")
        } catch let error as GzipError {
            return fail(.unreadable, "\(error) after \(uncompressed) uncompressed bytes")
        } catch StoreError.fetchFailed(let detail) {
            return .failure(.fetchFailed(detail))
        } catch let error as StoreError {
            return fail(.unreadable, "\(error)")
        } catch {
            return fail(.unreadable, "\(error)")
        }
    }
}

/// Shared progress counters for worker threads.
private final class Counters: Sendable {
    private let state = Mutex<(done: Int, bytes: Int64)>((0, 0))

    func add(bytes: Int64) -> (Int, Int64) {
        state.withLock { value in
            value.done += 1
            value.bytes += bytes
            return (value.done, value.bytes)
        }
    }
}
