import Foundation
import Testing
import TrailproofTestSupport

/// The progress line appears on a terminal only: run the binary under script(1)'s pseudo-terminal.
@Suite struct ProgressLineTests {
    @Test func aTerminalSeesAProgressLineAndAPipeDoesNot() throws {
        let trail = try CLITrail("progress") { $0.hours = 6 }
        defer { trail.remove() }
        let binary = try BuiltBinary.location.get()
        let command = [binary, "verify", trail.trail.root, "--public-keys", trail.trail.publicKeysFile]
            .map { "'\($0)'" }.joined(separator: " ")
        let run = try ProcessRunner.run("/usr/bin/script", ["-qefc", command, "/dev/null"],
                                        environment: ["TRAILPROOF_PROGRESS_DELAY": "0"])
        let text = run.stdout
        #expect(run.status == 0, "\(run)")
        #expect(text.contains("\rtrailproof: hashing log files") || text.contains("\r\u{1B}[Ktrailproof: hashing log files"), "\(text)")
        #expect(text.contains("Result: VERIFIED"))

        let piped = try trail.verify()
        #expect(!piped.stderr.contains("hashing log files"))
    }
}
