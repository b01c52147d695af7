import Foundation
import Testing
import TrailproofTestSupport

/// Runs a system tool (openssl, gzip, sha256sum, sh) for cross-checks against independent code,
/// through `ProcessRunner` (timeout, bytes out).
enum ExternalTool {
    /// What a finished tool run produced.
    typealias Run = ProcessRun

    /// The absolute path of `name` on PATH (or the usual system folders), or nil.
    static func locate(_ name: String) -> String? { ProcessRunner.locate(name) }

    /// Runs `name` with `arguments`, feeding `stdin` (if any).
    static func run(_ name: String, _ arguments: [String], stdin: [UInt8]? = nil, timeout: TimeInterval = 120,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let executable = try #require(locate(name), "\(name) is not installed", sourceLocation: sourceLocation)
        return try ProcessRunner.run(executable, arguments, stdin: stdin, timeout: timeout, sourceLocation: sourceLocation)
    }
}
