import Synchronization
import TrailproofNative

/// Hashes log files listed by verified digests, in parallel, streamed through gunzip and SHA-256.
struct LogHashCheck {
    /// One log file to check.
    struct Job: Sendable {
        let entry: LogFileEntry
        let digestKey: String
        let time: UTCTime?
    }

    let store: ObjectStore
    let workers: Int

    /// Per-thread reusable decoder and digest.
    struct WorkerState {
        let decoder: GzipDecoder
        let digest: MessageDigest
    }

    /// Runs every job and returns one record per job, in job order.
    /// - Throws: `StoreError.fetchFailed` when a log file could not be fetched at all.
    func run(_ jobs: [Job], progress: (@Sendable (VerificationProgress) -> Void)?) throws -> [LogFileRecord] {
        let counters = Counters()
        let total = jobs.count
        let store = self.store
        let results = try parallelMap(count: jobs.count, workers: workers, makeState: {
            WorkerState(decoder: try GzipDecoder(), digest: try MessageDigest(.sha256))
        }, job: { state, index in
            let result = LogHashCheck.check(jobs[index], store: store, state: &state)
            let (done, bytes) = counters.add(bytes: (try? result.get().uncompressedBytes ?? 0) ?? 0)
            progress?(.logFiles(done: done, total: total, bytes: bytes))
            return result
        })
        return try results.map { try $0.get() }
    }

    static func check(_ job: Job, store: ObjectStore, state: inout WorkerState) -> Result<LogFileRecord, StoreError> {
        var record = LogFileRecord(key: job.entry.object, bucket: job.entry.bucket, digest: job.digestKey, verdict: .valid,
                                   detail: nil, expectedSHA256: job.entry.hashValue, actualSHA256: nil,
                                   uncompressedBytes: nil, time: job.time)
        func fail(_ verdict: LogFileVerdict, _ detail: String) -> Result<LogFileRecord, StoreError> {
            record.verdict = verdict
            record.detail = detail
            return .success(record)
        }
        var uncompressed: Int64 = 0
        do {
            guard let actual = try store.gunzipAndHash(job.entry.object, decoder: state.decoder, sha256: state.digest,
                                                       restart: { uncompressed = 0 }, { uncompressed += Int64($0.count) })
            else { return fail(.missing, "listed by \(job.digestKey) but absent") }
            record.actualSHA256 = actual
            record.uncompressedBytes = uncompressed
            guard actual == job.entry.hashValue else {
                return fail(.modified, "SHA-256 of the uncompressed content is \(actual), the digest lists \(job.entry.hashValue)")
            }
            return .success(record)
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
