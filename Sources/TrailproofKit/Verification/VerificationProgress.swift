import Synchronization

/// Progress of a run, reported from any thread.
public enum VerificationProgress: Sendable {
    /// Listing the store.
    case listing
    /// Digests read and checked so far.
    case digests(done: Int, total: Int)
    /// Log files hashed so far, and their uncompressed bytes.
    case logFiles(done: Int, total: Int, bytes: Int64)
}

/// A run's progress, added up from what its batches report, one or more of them at a time.
final class RunProgress: Sendable {
    private struct Counts {
        var digests = 0
        var logFiles = 0
        var bytes: Int64 = 0
    }

    private let progress: @Sendable (VerificationProgress) -> Void
    private let totals: (digests: Int, logFiles: Int)
    private let counts = Mutex<(finished: Counts, running: [Int: Counts])>((Counts(), [:]))

    init(_ progress: @escaping @Sendable (VerificationProgress) -> Void, totals: (digests: Int, logFiles: Int)) {
        self.progress = progress
        self.totals = totals
    }

    /// The progress callback for batch `batch`, which reports its own work (from zero).
    func reporter(for batch: Int) -> @Sendable (VerificationProgress) -> Void {
        { [self] event in
            switch event {
            case .listing:
                progress(.listing)
            case .digests(let done, _):
                let sum = update(batch) { $0.digests = done }
                progress(.digests(done: sum.digests, total: max(totals.digests, sum.digests)))
            case .logFiles(let done, _, let bytes):
                let sum = update(batch) { ($0.logFiles, $0.bytes) = (done, bytes) }
                progress(.logFiles(done: sum.logFiles, total: max(totals.logFiles, sum.logFiles), bytes: sum.bytes))
            }
        }
    }

    /// Updates what `batch` reports; returns the run's counts so far.
    private func update(_ batch: Int, _ change: (inout Counts) -> Void) -> Counts {
        counts.withLock { state in
            change(&state.running[batch, default: Counts()])
            return state.running.values.reduce(state.finished) { sum, batch in
                Counts(digests: sum.digests + batch.digests, logFiles: sum.logFiles + batch.logFiles, bytes: sum.bytes + batch.bytes)
            }
        }
    }

    /// Batch `batch` is done, with these totals.
    func finish(_ batch: Int, digests: Int, logFiles: Int, bytes: Int64) {
        counts.withLock { state in
            state.running[batch] = nil
            state.finished.digests += digests
            state.finished.logFiles += logFiles
            state.finished.bytes += bytes
        }
    }
}
