import Foundation
import Testing
import TrailproofTestSupport

/// Finds and runs the built `trailproof` executable for the fault-injection and archive tests
/// (located by BuiltExecutable, as in the CLI tests), with AWS settings that
/// point nowhere but where the test says.
enum FaultTestCLI {
    /// The package root.
    static var packageRoot: String { BuiltExecutable.packageRoot }

    /// Where `trailproof` is, or why it could not be found.
    static let location = BuiltExecutable.locate("trailproof")

    /// Credentials moto (which checks none) and SeaweedFS accept, a region, and no endpoint or profile from the
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
    typealias Run = ProcessRun

    /// A running `trailproof` (started through `ProcessRunner`), its output going to files.
    final class Running {
        private let process: RunningProcess

        init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
            let executable: String
            switch FaultTestCLI.location {
            case .success(let path): executable = path
            case .failure(let error): throw error
            }
            process = try ProcessRunner.start(executable, arguments, environment: extra, baseEnvironment: FaultTestCLI.environment)
        }

        /// Sends SIGKILL: an interruption that leaves no chance to clean up.
        func kill() { process.kill() }

        /// Waits for the process (killing it after `timeout` seconds) and collects its output.
        func wait(timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
            try process.wait(timeout: timeout, sourceLocation: sourceLocation)
        }
    }

    /// Runs `trailproof arguments…` and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        try Running(arguments, environment: environment).wait(timeout: timeout, sourceLocation: sourceLocation)
    }
}
