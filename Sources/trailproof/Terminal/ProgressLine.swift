import FoundationEssentials
import Synchronization
import TrailproofKit
import TrailproofNative

/// A single self-overwriting progress line on stderr, shown only on a terminal and only once a
/// run has lasted a second (TRAILPROOF_PROGRESS_DELAY seconds, for tests).
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let delay: TimeInterval
    private let started = Date()
    private let state = Mutex<(lastDraw: TimeInterval, drawn: Bool, phase: Int)>((0, false, -1))

    init(enabled: Bool) {
        self.enabled = enabled
        delay = ProcessInfo.processInfo.environment["TRAILPROOF_PROGRESS_DELAY"].flatMap(TimeInterval.init) ?? 1
    }

    /// The callback to hand a run; nil when nothing is shown (the run then counts nothing for it).
    var report: (@Sendable (VerificationProgress) -> Void)? {
        guard enabled else { return nil }
        return { @Sendable [self] progress in draw(progress) }
    }

    private func draw(_ progress: VerificationProgress) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(started)
        guard elapsed >= delay else { return }
        let text: String
        let phase: Int
        switch progress {
        case .listing:
            (text, phase) = ("listing objects…", 0)
        case .digests(let done, let total):
            (text, phase) = ("reading digests \(done)/\(total)", 1)
        case .logFiles(let done, let total, let bytes):
            phase = 2
            let rate = Double(bytes) / 1_000_000 / max(elapsed, 0.001)
            text = "hashing log files \(done)/\(total), \(bytes / 1_000_000) MB uncompressed, \(Int(rate)) MB/s"
        }
        let shouldDraw = state.withLock { value -> Bool in
            // A new phase is always shown; within a phase, at most ten lines a second.
            guard phase != value.phase || elapsed - value.lastDraw >= 0.1 else { return false }
            value.phase = phase
            value.lastDraw = elapsed
            value.drawn = true
            return true
        }
        if shouldDraw { StandardStream.error.writeIfPossible("\r\u{1B}[Ktrailproof: \(text)") }
    }

    /// Clears the line so that other lines can be written; the next progress draws it again.
    func clear() {
        let drawn = state.withLock { value -> Bool in
            defer { (value.drawn, value.phase) = (false, -1) }
            return value.drawn
        }
        if drawn { StandardStream.error.writeIfPossible("\r\u{1B}[K") }
    }
}
