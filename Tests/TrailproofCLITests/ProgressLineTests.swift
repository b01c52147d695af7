import Foundation
import Testing

/// The progress line appears on a terminal only: run the binary under script(1)'s pseudo-terminal.
@Suite struct ProgressLineTests {
    @Test func aTerminalSeesAProgressLineAndAPipeDoesNot() throws {
        let trail = try CLITrail("progress") { $0.hours = 6 }
        defer { trail.remove() }
        let binary = try BuiltBinary.location.get()
        let command = [binary, "verify", trail.trail.root, "--public-keys", trail.trail.publicKeysFile]
            .map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qefc", command, "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["TRAILPROOF_PROGRESS_DELAY"] = "0"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\rtrailproof: hashing log files") || text.contains("\r\u{1B}[Ktrailproof: hashing log files"), "\(text)")
        #expect(text.contains("Result: VERIFIED"))

        let piped = try trail.verify()
        #expect(!piped.stderr.contains("hashing log files"))
    }
}
