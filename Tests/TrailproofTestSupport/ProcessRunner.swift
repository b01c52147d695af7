import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The one way tests run a program (the built `trailproof`, python3, openssl, the AWS CLI):
/// in a process group of its own, with a timeout that kills the whole group and fails the test,
/// standard input from bytes or /dev/null, standard output and error captured as bytes, and the
/// environment and working directory under the test's control.
public enum ProcessRunner {
    /// Why a program could not be started.
    public enum StartError: Error, CustomStringConvertible {
        /// `name` is on none of the folders searched.
        case notFound(name: String, searched: [String])
        /// posix_spawn failed with `code`.
        case spawnFailed(program: String, code: Int32)
        /// This C library cannot set a spawned program's working directory.
        case noWorkingDirectorySupport

        public var description: String {
            switch self {
            case .notFound(let name, let searched): "\(name) is not installed (looked in \(searched.joined(separator: ":")))"
            case .spawnFailed(let program, let code): "could not start \(program): \(String(cString: strerror(code)))"
            case .noWorkingDirectorySupport: "posix_spawn_file_actions_addchdir_np (glibc 2.29) is missing"
            }
        }
    }

    /// The environment a run starts from: this process's, with LC_ALL=C.UTF-8 so that every
    /// program's messages are the same whatever the developer's locale.
    public static var baseEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        return environment
    }

    /// The absolute path of `name` on `PATH` (or the usual system folders), or nil.
    public static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        searchFolders(path).map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func searchFolders(_ path: String?) -> [String] {
        (path ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
    }

    /// Runs `program` (a path, or a name looked up on PATH) with `arguments` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: added to `baseEnvironment`; a nil value removes that variable.
    ///   - baseEnvironment: what `environment` is applied to.
    ///   - workingDirectory: the program's current directory (default: this process's).
    ///   - stdin: bytes for standard input (default: /dev/null).
    ///   - timeout: seconds after which the program's process group is killed and the test fails.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String?] = [:],
                           baseEnvironment: [String: String] = ProcessRunner.baseEnvironment,
                           workingDirectory: String? = nil, stdin: [UInt8]? = nil, timeout: TimeInterval = 120,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessRun {
        try start(program, arguments, environment: environment, baseEnvironment: baseEnvironment,
                  workingDirectory: workingDirectory, stdin: stdin)
            .wait(timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Starts `program` as `run` does and returns at once: wait for it, signal it or kill it later.
    public static func start(_ program: String, _ arguments: [String], environment: [String: String?] = [:],
                             baseEnvironment: [String: String] = ProcessRunner.baseEnvironment,
                             workingDirectory: String? = nil, stdin: [UInt8]? = nil) throws -> RunningProcess {
        var merged = baseEnvironment
        for (name, value) in environment { merged[name] = value }
        let executable: String
        if program.contains("/") {
            executable = program
        } else {
            guard let found = locate(program, path: merged["PATH"]) else {
                throw StartError.notFound(name: program, searched: searchFolders(merged["PATH"]))
            }
            executable = found
        }
        let outputs = FileManager.default.temporaryDirectory.path + "/trailproof-run-\(UUID().uuidString.prefix(12))"
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        if let stdin { try Data(stdin).write(to: URL(fileURLWithPath: outputs + "/stdin")) }
        do {
            let pid = try spawn(executable, arguments, environment: merged, workingDirectory: workingDirectory,
                                stdin: stdin == nil ? "/dev/null" : outputs + "/stdin",
                                stdout: outputs + "/stdout", stderr: outputs + "/stderr")
            return RunningProcess(program: program, arguments: arguments, processIdentifier: pid, outputs: outputs)
        } catch {
            try? FileManager.default.removeItem(atPath: outputs)
            throw error
        }
    }

    /// posix_spawn with the child in a new process group, its standard streams on files, no other
    /// descriptor inherited, and the signals a test process may ignore or block back to normal.
    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                              workingDirectory: String?, stdin: String, stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Pipes other tests hold open must not leak into this child (their readers would never see EOF).
        if let closeFrom = GNUSpawn.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let workingDirectory {
            guard let addChdir = GNUSpawn.addChdir else { throw StartError.noWorkingDirectorySupport }
            _ = addChdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else { throw StartError.spawnFailed(program: executable, code: code) }
        return pid
    }
}

/// glibc's posix_spawn extensions (2.29, 2.34), which Swift's Glibc module does not show (they
/// need _GNU_SOURCE): looked up by name.
private enum GNUSpawn {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }
    static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFrom.self) }
}
