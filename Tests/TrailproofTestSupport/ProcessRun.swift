import Foundation

/// What one finished run of a program produced: its exit status and everything it printed, as bytes.
public struct ProcessRun: Sendable, CustomStringConvertible {
    /// The program as it was asked for (a name looked up on PATH, or a path).
    public let program: String
    /// The arguments after the program.
    public let arguments: [String]
    /// The exit status; 128 + the signal's number when a signal ended the program.
    public let status: Int32
    /// The signal that ended the program, if one did.
    public let signal: Int32?
    /// True when the runner killed the program because it ran past its timeout.
    public let timedOut: Bool
    /// Everything written to standard output.
    public let stdoutBytes: [UInt8]
    /// Everything written to standard error.
    public let stderrBytes: [UInt8]
    /// Wall-clock seconds from start to exit.
    public let seconds: Double

    /// Creates a run's result (for `RunningProcess`).
    public init(program: String, arguments: [String], status: Int32, signal: Int32?, timedOut: Bool,
                stdoutBytes: [UInt8], stderrBytes: [UInt8], seconds: Double) {
        self.program = program
        self.arguments = arguments
        self.status = status
        self.signal = signal
        self.timedOut = timedOut
        self.stdoutBytes = stdoutBytes
        self.stderrBytes = stderrBytes
        self.seconds = seconds
    }

    /// The program and its arguments.
    public var command: [String] { [program] + arguments }
    /// Standard output decoded as UTF-8 (invalid bytes become U+FFFD).
    public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes become U+FFFD).
    public var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }
    /// Standard output's lines; a final newline leaves an empty last element.
    public var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    /// Standard error's non-empty lines.
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    /// Every non-empty line of stdout and then of stderr.
    public var lines: [String] { (stdout + "\n" + stderr).split(separator: "\n").map(String.init) }

    public var description: String {
        let name = program.split(separator: "/").last.map(String.init) ?? program
        let ending = timedOut ? "killed after its timeout of \(String(format: "%.0f", seconds)) s"
            : signal.map { "ended by signal \($0)" } ?? "exit status \(status)"
        return "\(([name] + arguments).joined(separator: " "))\n\(ending) after \(String(format: "%.1f", seconds)) s\n"
            + "--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }
}

/// A program exited with a status the caller did not expect; carries everything it printed.
public struct ProcessRunFailed: Error, CustomStringConvertible {
    /// The run.
    public let run: ProcessRun

    /// Wraps `run`.
    public init(_ run: ProcessRun) { self.run = run }

    public var description: String { "command failed: \(run)" }
}
