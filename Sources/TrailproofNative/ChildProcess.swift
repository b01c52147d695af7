internal import CTrailproof
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program run to its end (or to a deadline) with its standard output captured, on
/// posix_spawn: standard input is /dev/null, standard error is trailproof's own, no other
/// descriptor is inherited, and every signal starts unblocked with its default action (trailproof
/// itself ignores SIGINT and SIGTERM, which a child would otherwise inherit).
public enum ChildProcess {
    /// How a run ended.
    public enum Ending: Sendable, Equatable {
        /// The program exited with this status.
        case exited(Int32)
        /// The program was ended by this signal.
        case signalled(Int32)
        /// The program was still running at the deadline and was killed (SIGKILL) and reaped.
        case timedOut
        /// The program ended but its status was lost (it was reaped elsewhere, as when SIGCHLD is ignored).
        case statusLost
    }

    /// What a run produced.
    public struct Outcome: Sendable, Equatable {
        /// How it ended.
        public var ending: Ending
        /// Its standard output, at most `outputLimit` bytes (what came after is read and dropped).
        public var output: [UInt8]

        /// An outcome (for comparing with one a run returned).
        public init(ending: Ending, output: [UInt8]) {
            self.ending = ending
            self.output = output
        }
    }

    /// Runs `executable` (a path; argv[0] is the path as given) with `arguments` and exactly
    /// `environment`, waiting at most `timeoutSeconds` for it to exit, then at most
    /// `drainSeconds` for its standard output to close (a program that leaves a background
    /// child holding it open does not hold the caller up longer).
    /// - Throws: `NativeError` when the program cannot be started (its detail is the system's
    ///   reason, e.g. "No such file or directory").
    public static func run(_ executable: String, arguments: [String], environment: [String: String],
                           timeoutSeconds: Double, drainSeconds: Double = 5, outputLimit: Int = 1 << 20) throws -> Outcome {
        let (readEnd, writeEnd) = try makePipe()
        let pid: pid_t
        do {
            pid = try spawn(executable, arguments: arguments, environment: environment, standardOutput: writeEnd)
        } catch {
            _ = closeDescriptor(readEnd)
            _ = closeDescriptor(writeEnd)
            throw error
        }
        _ = closeDescriptor(writeEnd)
        defer { _ = closeDescriptor(readEnd) }

        var reader = OutputReader(descriptor: readEnd, limit: outputLimit)
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(max(0, timeoutSeconds) * 1000))
        var status = exitStatus(of: pid, waiting: false)
        while status == nil {
            let left = clock.now.duration(to: deadline)
            if left <= .zero {
                // SIGKILL: a program that ignores SIGTERM (or inherited it ignored) must still stop.
                _ = kill(pid, SIGKILL)
                _ = exitStatus(of: pid, waiting: true)
                return Outcome(ending: .timedOut, output: reader.output)
            }
            // Reading while waiting keeps a chatty program from blocking on a full pipe; the
            // exit is looked at every 10 ms at most.
            let slice = min(10, max(1, milliseconds(left)))
            if reader.isOpen { reader.pump(waitingMilliseconds: slice) } else { ThreadSleep.sleep(seconds: Double(slice) / 1000) }
            status = exitStatus(of: pid, waiting: false)
        }
        let drainDeadline = clock.now + .milliseconds(Int64(max(0, drainSeconds) * 1000))
        while reader.isOpen {
            let left = clock.now.duration(to: drainDeadline)
            guard left > .zero else { break }
            reader.pump(waitingMilliseconds: min(100, max(1, milliseconds(left))))
        }
        return Outcome(ending: status ?? .timedOut, output: reader.output)
    }

    /// A pipe whose two ends are closed on exec (the child gets the write end as its descriptor 1 only).
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let result = CTrailproof_pipe_cloexec(&ends)
        guard result == 0 else { throw NativeError(.system, "create a pipe", detail: String(cString: strerror(errno))) }
        return (ends[0], ends[1])
    }

    private static func spawn(_ executable: String, arguments: [String], environment: [String: String],
                              standardOutput: Int32) throws -> pid_t {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        // Whatever else is open here (and not marked close-on-exec) stays with trailproof.
        _ = CTrailproof_spawn_addclosefrom(&actions, 3)

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        sigdelset(&everySignal, SIGKILL)
        sigdelset(&everySignal, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        guard result == 0 else {
            throw NativeError(.system, "run \(executable)", detail: String(cString: strerror(result)))
        }
        return pid
    }

    /// How `pid` ended, or nil while it runs (`waiting` false). Retries after EINTR.
    private static func exitStatus(of pid: pid_t, waiting: Bool) -> Ending? {
        var raw: Int32 = 0
        while true {
            let result = waitpid(pid, &raw, waiting ? 0 : WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: it was reaped elsewhere; it ended, with a status nobody can tell.
            return .statusLost
        }
        let signal = raw & 0x7f
        return signal == 0 ? .exited((raw >> 8) & 0xff) : .signalled(signal)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

/// Reads a child's standard output as it comes, keeping the first `limit` bytes.
private struct OutputReader {
    let descriptor: Int32
    let limit: Int
    private(set) var output: [UInt8] = []
    private(set) var isOpen = true

    init(descriptor: Int32, limit: Int) {
        self.descriptor = descriptor
        self.limit = limit
    }

    /// Waits up to `waitingMilliseconds` for output, then reads what is there (or sees the end).
    mutating func pump(waitingMilliseconds: Int) {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(waitingMilliseconds))
        guard ready > 0 else {
            if ready < 0 && errno != EINTR { isOpen = false }
            return
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            output.append(contentsOf: chunk[0..<min(count, max(0, limit - output.count))])
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            isOpen = false
        }
    }
}

private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
