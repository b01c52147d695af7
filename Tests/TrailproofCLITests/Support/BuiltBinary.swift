import Foundation
import Testing
import TrailproofTestSupport

/// Runs the `trailproof` executable that the build put next to the test bundle (through
/// `ProcessRunner`, the one runner every test target uses).
enum BuiltBinary {
    /// What one run produced.
    typealias Run = ProcessRun

    /// The package root.
    static var packageRoot: String { BuiltExecutable.packageRoot }

    /// Where `trailproof` is, or why it could not be found.
    static let location = BuiltExecutable.locate("trailproof")

    /// Runs `trailproof arguments…` and waits for it (at most `timeout` seconds, then kills it and fails the test).
    static func run(_ arguments: [String], timeout: TimeInterval = 120, environment extra: [String: String] = [:],
                    workingDirectory: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let executable: String
        switch location {
        case .success(let path): executable = path
        case .failure(let error):
            Issue.record("\(error)", sourceLocation: sourceLocation)
            throw error
        }
        return try ProcessRunner.run(executable, arguments, environment: extra, workingDirectory: workingDirectory,
                                     timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Runs any program (a reader of what trailproof writes: a browser, xmllint, python3) the same way.
    static func run(program executable: String, _ arguments: [String], timeout: TimeInterval = 120,
                    environment extra: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        try ProcessRunner.run(executable, arguments, environment: extra, timeout: timeout, sourceLocation: sourceLocation)
    }
}
