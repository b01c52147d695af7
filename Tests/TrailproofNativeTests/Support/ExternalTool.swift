import Foundation
import Testing

/// Runs a system tool (openssl, gzip, sha256sum, sh) for cross-checks against independent code.
enum ExternalTool {
    /// What a finished tool run produced.
    struct Run {
        let status: Int32
        let stdout: [UInt8]
        let stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The absolute path of `name` on PATH (or the usual system folders), or nil.
    static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
        return folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `name` with `arguments`, feeding `stdin` (if any); output goes through files so that
    /// large outputs cannot dead-lock on a full pipe.
    static func run(_ name: String, _ arguments: [String], stdin: [UInt8]? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let executable = try #require(locate(name), "\(name) is not installed", sourceLocation: sourceLocation)
        let scratch = try TemporaryDirectory("tool")
        defer { scratch.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: scratch.file("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.file("stderr"), contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stdout")))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stderr")))
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            try scratch.write(stdin, to: "stdin")
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch.file("stdin")))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus, stdout: try scratch.read("stdout"),
                   stderr: String(decoding: try scratch.read("stderr"), as: UTF8.self))
    }
}
