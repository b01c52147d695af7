import Foundation
import Testing
import TrailproofTrailGen

/// Finds and runs the built `trailproof` executable for the fault-injection and archive tests
/// (located by BuiltExecutable, as in the CLI tests), with AWS settings that
/// point nowhere but where the test says.
enum FaultTestCLI {
    /// The package root.
    static var packageRoot: String { BuiltExecutable.packageRoot }

    /// Where `trailproof` is, or why it could not be found.
    static let location = BuiltExecutable.locate("trailproof")

    /// Credentials moto accepts (it checks none), a region, and no endpoint or profile from the
    /// developer's environment: every endpoint comes from --endpoint-url.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in environment.keys where name.hasPrefix("AWS_") { environment[name] = nil }
        environment["AWS_ACCESS_KEY_ID"] = "fault-tests"
        environment["AWS_SECRET_ACCESS_KEY"] = "test"
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        environment["LC_ALL"] = "C.UTF-8"
        return environment
    }

    /// What one run of the binary produced.
    struct Run: CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let stdout: String
        let stderr: String
        let seconds: Double

        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

        var description: String {
            "trailproof \(arguments.joined(separator: " "))\nexit status \(status) after \(String(format: "%.1f", seconds)) s\n"
                + "--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    /// A running `trailproof`, its output going to files.
    final class Running {
        let arguments: [String]
        let process = Process()
        private let outputs: String
        private let started = Date()

        init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
            self.arguments = arguments
            let executable: String
            switch FaultTestCLI.location {
            case .success(let path): executable = path
            case .failure(let error): throw error
            }
            outputs = FileManager.default.temporaryDirectory.path + "/trailproof-fault-run-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: outputs + "/stdout", contents: nil)
            _ = FileManager.default.createFile(atPath: outputs + "/stderr", contents: nil)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputs + "/stdout"))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outputs + "/stderr"))
            process.environment = FaultTestCLI.environment.merging(extra) { $1 }
            try process.run()
        }

        /// Sends SIGKILL: an interruption that leaves no chance to clean up.
        func kill() {
            if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
        }

        /// Waits for the process (killing it after `timeout` seconds) and collects its output.
        func wait(timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                Issue.record("trailproof \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s",
                             sourceLocation: sourceLocation)
                kill()
            }
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(atPath: outputs) }
            return Run(arguments: arguments, status: process.terminationStatus,
                       stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputs + "/stdout")), as: UTF8.self),
                       stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputs + "/stderr")), as: UTF8.self),
                       seconds: Date().timeIntervalSince(started))
        }
    }

    /// Runs `trailproof arguments…` and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        try Running(arguments, environment: environment).wait(timeout: timeout, sourceLocation: sourceLocation)
    }
}
