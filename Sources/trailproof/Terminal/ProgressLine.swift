import Foundation
import Synchronization
import TrailproofKit

/// A single self-overwriting progress line on stderr, shown only on a terminal and only once a
/// run has lasted a second.
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let started = Date()
    private let state = Mutex<(lastDraw: TimeInterval, drawn: Bool)>((0, false))

    init(enabled: Bool) { self.enabled = enabled }

    var report: @Sendable (VerificationProgress) -> Void {
        { [self] progress in draw(progress) }
    }

    private func draw(_ progress: VerificationProgress) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(started)
        guard elapsed > 1 else { return }
        let text: String
        switch progress {
        case .listing: text = "listing objects…"
        case .digests(let done, let total): text = "reading digests \(done)/\(total)"
        case .logFiles(let done, let total, let bytes):
            let rate = Double(bytes) / 1_000_000 / max(elapsed, 0.001)
            text = "hashing log files \(done)/\(total), \(bytes / 1_000_000) MB uncompressed, \(Int(rate)) MB/s"
        }
        let shouldDraw = state.withLock { value -> Bool in
            guard elapsed - value.lastDraw >= 0.1 else { return false }
            value.lastDraw = elapsed
            value.drawn = true
            return true
        }
        if shouldDraw { FileHandle.standardError.write(Data("\r\u{1B}[Ktrailproof: \(text)".utf8)) }
    }

    func finish() {
        if state.withLock({ $0.drawn }) { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
