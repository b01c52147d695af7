import Foundation
import Testing
import TrailproofTrailGen

/// Runs a program (python3, aws, the built trailproof) and collects what it printed.
enum ExternalCommand {
    /// What one run produced.
    struct Run: CustomStringConvertible {
        let command: [String]
        let status: Int32
        let stdout: String
        let stderr: String

        /// Every line of stdout and stderr, in that order.
        var lines: [String] { (stdout + "\n" + stderr).split(separator: "\n").map(String.init) }

        var description: String {
            "\(command.joined(separator: " "))\nexit status \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
        }
    }

    /// Runs `command` (looked up on PATH unless it is a path) with `environment` added to (or,
    /// for nil values, removed from) this process's environment; kills it after `timeout` s.
    static func run(_ command: [String], environment: [String: String?] = [:], timeout: TimeInterval = 90,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let outputs = FileManager.default.temporaryDirectory.path + "/trailproof-s3-run-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outputs) }
        let stdoutPath = outputs + "/stdout", stderrPath = outputs + "/stderr"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderrHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))

        let process = Process()
        if command.first?.contains("/") == true {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var merged = ProcessInfo.processInfo.environment
        merged["LC_ALL"] = "C.UTF-8"
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        try process.run()
        let watchdog = Watchdog(process)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watchdog.fire() }
        process.waitUntilExit()
        watchdog.disarm()
        try stdoutHandle.close()
        try stderrHandle.close()
        let run = Run(command: command, status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stdoutPath)), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stderrPath)), as: UTF8.self))
        if watchdog.fired {
            Issue.record("\(command.joined(separator: " ")) did not finish within \(Int(timeout)) s", sourceLocation: sourceLocation)
        }
        return run
    }

    /// Kills a process that runs too long; the lock makes `fire` and `disarm` safe across threads.
    private final class Watchdog: @unchecked Sendable {
        private let process: Process
        private let lock = NSLock()
        private var armed = true
        private(set) var fired = false

        init(_ process: Process) { self.process = process }

        func fire() {
            lock.lock()
            defer { lock.unlock() }
            guard armed else { return }
            fired = true
            process.terminate()
        }

        func disarm() {
            lock.lock()
            armed = false
            lock.unlock()
        }
    }
}

/// A command that exited with an unexpected status, with everything it printed.
struct ExternalCommandFailed: Error, CustomStringConvertible {
    let run: ExternalCommand.Run
    var description: String { "command failed: \(run)" }
}

/// Finds the built `trailproof` executable next to the running test bundle (or in a
/// `.build*/debug` folder of the package, newest first).
enum TrailproofBinary {
    /// The package root.
    static var packageRoot: String { BuiltExecutable.packageRoot }

    /// The path of `trailproof`, or nil when it was not built.
    static let path: String? = try? BuiltExecutable.locate("trailproof").get()
}
