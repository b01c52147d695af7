import Foundation
import Testing

/// Results go to standard output with write(2) (`StandardStream`): when they cannot be written
/// (here /dev/full: "No space left on device"), the run is an operational error, exit 2 with the
/// reason on standard error, never a silent pass or a crash.
@Suite struct StandardOutputFailureTests {
    @Test(arguments: ["text", "json"])
    func aResultThatCannotBeWrittenIsExit2WithTheReason(format: String) throws {
        let trail = try CLITrail("stdout-full-\(format)")
        defer { trail.remove() }
        let binary = try BuiltBinary.location.get()
        let run = try BuiltBinary.run(program: "/bin/sh", ["-c", "exec \"$@\" >/dev/full", "sh", binary, "verify", trail.trail.root,
                                                           "--public-keys", trail.trail.publicKeysFile, "--format", format])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrLines.contains { $0.hasPrefix("trailproof: error: ") && $0.contains("No space left on device") }, "\(run)")
        // The same run with standard output that takes the bytes passes.
        let written = try trail.verify(["--format", format])
        #expect(written.status == 0, "\(written)")
    }
}
