import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A program started by `ProcessRunner.start`, in a process group of its own, its output going
/// to files (so that a large output can never dead-lock on a full pipe).
public final class RunningProcess: @unchecked Sendable {
    /// The program as asked for.
    public let program: String
    /// Its arguments.
    public let arguments: [String]
    /// Its process id, which is also its process group's id.
    public let processIdentifier: pid_t
    private let outputs: String
    private let started = Date()
    private let lock = NSLock()
    /// The wait status once reaped.
    private var reaped: Int32?

    init(program: String, arguments: [String], processIdentifier: pid_t, outputs: String) {
        self.program = program
        self.arguments = arguments
        self.processIdentifier = processIdentifier
        self.outputs = outputs
    }

    deinit {
        if reapIfExited() == nil {
            _ = Glibc.kill(-processIdentifier, SIGKILL)
            _ = reap(blocking: true)
        }
        try? FileManager.default.removeItem(atPath: outputs)
    }

    /// True until the program has exited.
    public var isRunning: Bool { reapIfExited() == nil }

    /// Sends `signal` to the program's whole process group (SIGKILL: an interruption that leaves
    /// no chance to clean up). Does nothing once the program has been reaped.
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        // Only before reaping: afterwards the id may belong to another process.
        if reaped == nil { _ = Glibc.kill(-processIdentifier, signal) }
    }

    /// SIGKILL to the process group.
    public func kill() { send(SIGKILL) }

    /// The first line the program writes to standard output (a server announcing its port),
    /// without its newline; nil when the program exits or `timeout` seconds pass first.
    public func firstLineOfStandardOutput(timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let bytes = Self.read(outputs + "/stdout")
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: bytes[..<newline], as: UTF8.self)
            }
            if !isRunning || Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// What the program has written to standard error so far.
    public var standardErrorSoFar: String { String(decoding: Self.read(outputs + "/stderr"), as: UTF8.self) }

    /// Asks the program to stop (SIGTERM to its group) and waits up to `grace` seconds, then
    /// kills the group: for servers a test started, whose end is not under test.
    public func stop(grace: TimeInterval = 5) {
        send(SIGTERM)
        _ = try? wait(timeout: grace, recordsTimeout: false)
    }

    /// Waits for the program to exit; past `timeout` seconds kills its process group and records
    /// the timeout as a test failure at `sourceLocation`. Returns what it printed.
    public func wait(timeout: TimeInterval, recordsTimeout: Bool = true,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessRun {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        var pause: useconds_t = 1_000
        while reapIfExited() == nil {
            if Date() >= deadline {
                timedOut = true
                kill()
                _ = reap(blocking: true)
                break
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        let status = lock.withLock { reaped } ?? 0
        let seconds = Date().timeIntervalSince(started)
        let termination = status & 0x7f
        let signal: Int32? = termination == 0 ? nil : termination
        let run = ProcessRun(program: program, arguments: arguments,
                             status: signal.map { 128 + $0 } ?? ((status >> 8) & 0xff), signal: signal, timedOut: timedOut,
                             stdoutBytes: Self.read(outputs + "/stdout"), stderrBytes: Self.read(outputs + "/stderr"),
                             seconds: seconds)
        if timedOut && recordsTimeout {
            Issue.record("\(([program] + arguments).joined(separator: " ")) did not finish within \(Int(timeout)) s; its process group was killed\n\(run)",
                         sourceLocation: sourceLocation)
        }
        return run
    }

    /// The wait status if the program has exited (reaping it then), else nil.
    private func reapIfExited() -> Int32? { reap(blocking: false) }

    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let reaped { return reaped }
        var status: Int32 = 0
        while true {
            let result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            if result == processIdentifier {
                reaped = status
                return status
            }
            if result == -1 && errno == EINTR { continue }
            if result == -1 {
                // Reaped elsewhere (cannot happen for a child only this object waits for): say so.
                reaped = (127 << 8)
                return reaped
            }
            return nil
        }
    }

    private static func read(_ path: String) -> [UInt8] {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init) ?? []
    }
}
