import Foundation
import Testing
import TrailproofTrailGen

/// Finds and runs the `trailproof` executable that the build put next to the test bundle.
enum BuiltBinary {
    /// The package root.
    static var packageRoot: String { BuiltExecutable.packageRoot }

    /// Where `trailproof` is, or why it could not be found.
    static let location = BuiltExecutable.locate("trailproof")

    /// What one run of the binary produced.
    struct Run: CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let stdout: String
        let stderr: String

        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

        var description: String {
            "trailproof \(arguments.joined(separator: " "))\nexit status \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    /// Runs `trailproof arguments…` and waits for it (at most `timeout` seconds, then kills it).
    static func run(_ arguments: [String], timeout: TimeInterval = 120, environment extra: [String: String] = [:],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let executable: String
        switch location {
        case .success(let path): executable = path
        case .failure(let error):
            Issue.record("\(error)", sourceLocation: sourceLocation)
            throw error
        }
        return try run(program: executable, arguments, timeout: timeout, environment: extra, sourceLocation: sourceLocation)
    }

    /// Runs any program (a reader of what trailproof writes: a browser, xmllint, python3) the same way.
    static func run(program executable: String, _ arguments: [String], timeout: TimeInterval = 120,
                    environment extra: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let outputs = FileManager.default.temporaryDirectory.path + "/trailproof-cli-run-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outputs) }
        let stdoutPath = outputs + "/stdout", stderrPath = outputs + "/stderr"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderrHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        try process.run()
        let watchdog = Watchdog(process)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watchdog.fire() }
        process.waitUntilExit()
        watchdog.disarm()
        try stdoutHandle.close()
        try stderrHandle.close()
        if watchdog.fired {
            Issue.record("\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s",
                         sourceLocation: sourceLocation)
        }
        return Run(arguments: arguments, status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stdoutPath)), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stderrPath)), as: UTF8.self))
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
