import Foundation
import Testing
import TrailproofTestSupport

/// Runs a program (python3, aws, the built trailproof) and collects what it printed, through
/// `ProcessRunner` (the one runner every test target uses).
enum ExternalCommand {
    /// What one run produced.
    typealias Run = ProcessRun

    /// Runs `command` (looked up on PATH unless it is a path) with `environment` added to (or,
    /// for nil values, removed from) this process's environment; kills it after `timeout` s.
    static func run(_ command: [String], environment: [String: String?] = [:], timeout: TimeInterval = 90,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let program = try #require(command.first, "an empty command", sourceLocation: sourceLocation)
        return try ProcessRunner.run(program, Array(command.dropFirst()), environment: environment, timeout: timeout,
                                     sourceLocation: sourceLocation)
    }
}

/// A command that exited with an unexpected status, with everything it printed.
typealias ExternalCommandFailed = ProcessRunFailed

/// Finds the built `trailproof` executable next to the running test bundle (or in a
/// `.build*/debug` folder of the package, newest first).
enum TrailproofBinary {
    /// The package root.
    static var packageRoot: String { BuiltExecutable.packageRoot }

    /// The path of `trailproof`, or nil when it was not built.
    static let path: String? = try? BuiltExecutable.locate("trailproof").get()
}
