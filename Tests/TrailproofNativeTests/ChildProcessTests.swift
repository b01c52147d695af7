import Foundation
import Testing
import TrailproofNative

/// `ChildProcess` runs real programs (/bin/sh, python3): what they get (arguments, environment,
/// descriptors, signal dispositions) and how their endings and output come back.
@Suite struct ChildProcessTests {
    static func python(_ script: String, _ arguments: [String] = [], timeout: Double = 20, drain: Double = 5,
                       limit: Int = 1 << 20) throws -> ChildProcess.Outcome {
        let python = try #require(["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({ "\($0)/python3" })
                .first { FileManager.default.isExecutableFile(atPath: $0) })
        return try ChildProcess.run(python, arguments: ["-c", script] + arguments, environment: [:],
                                    timeoutSeconds: timeout, drainSeconds: drain, outputLimit: limit)
    }

    @Test func standardOutputIsCapturedStandardErrorIsNotAndTheExitStatusComesBack() throws {
        let outcome = try ChildProcess.run("/bin/sh", arguments: ["-c", "printf 'out %s' \"$1\"; printf err >&2; exit 3", "sh", "two words"],
                                           environment: [:], timeoutSeconds: 20)
        #expect(outcome == ChildProcess.Outcome(ending: .exited(3), output: Array("out two words".utf8)))
    }

    @Test func theProgramGetsExactlyTheEnvironmentGivenAndAnEmptyStandardInput() throws {
        setenv("TRAILPROOF_CHILD_PROCESS_TEST", "inherited", 1)
        let outcome = try ChildProcess.run("/bin/sh", arguments: ["-c", "printf '%s|%s|' \"$ONLY\" \"${TRAILPROOF_CHILD_PROCESS_TEST-unset}\"; cat"],
                                           environment: ["ONLY": "a=b c"], timeoutSeconds: 20)
        #expect(outcome == ChildProcess.Outcome(ending: .exited(0), output: Array("a=b c|unset|".utf8)))
    }

    @Test func noDescriptorButTheStandardThreeIsInherited() throws {
        // A descriptor left open across exec on purpose (no close-on-exec flag).
        let descriptor = open("/dev/null", O_RDONLY)
        try #require(descriptor > 2)
        defer { close(descriptor) }
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC == 0)
        let script = "import os, sys\nfor fd in (0, 1, 2, int(sys.argv[1])):\n    try:\n        os.fstat(fd); print(fd, 'open')\n    except OSError:\n        print(fd, 'closed')"
        let outcome = try Self.python(script, [String(descriptor)])
        #expect(outcome.ending == .exited(0))
        #expect(String(decoding: outcome.output, as: UTF8.self) == "0 open\n1 open\n2 open\n\(descriptor) closed\n")
    }

    @Test func signalsStartWithTheirDefaultActionAndUnblockedWhateverTheCallerDid() throws {
        // trailproof ignores SIGTERM (TerminationSignals); this thread also blocks SIGHUP.
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        var blocked = sigset_t(), old = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &blocked, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        let script = "import signal\nprint(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))"
        let outcome = try Self.python(script)
        #expect(outcome == ChildProcess.Outcome(ending: .exited(0), output: Array("True []\n".utf8)))
        // And so SIGTERM ends it.
        let terminated = try ChildProcess.run("/bin/sh", arguments: ["-c", "kill -TERM $$; sleep 5"], environment: [:], timeoutSeconds: 20)
        #expect(terminated.ending == .signalled(SIGTERM))
    }

    @Test func aProgramStillRunningAtTheDeadlineIsKilledEvenIfItIgnoresSIGTERM() throws {
        let started = ContinuousClock.now
        let outcome = try Self.python("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('started', flush=True)\ntime.sleep(30)",
                                      timeout: 1.5)
        #expect(outcome == ChildProcess.Outcome(ending: .timedOut, output: Array("started\n".utf8)))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aBackgroundChildHoldingTheOutputOpenDoesNotHoldTheCallerPastTheDrainTime() throws {
        let started = ContinuousClock.now
        let outcome = try ChildProcess.run("/bin/sh", arguments: ["-c", "printf done; sleep 20 &"], environment: [:],
                                           timeoutSeconds: 20, drainSeconds: 0.5)
        #expect(outcome == ChildProcess.Outcome(ending: .exited(0), output: Array("done".utf8)))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func outputPastTheLimitIsReadAndDroppedSoTheProgramNeverBlocksOnAFullPipe() throws {
        let outcome = try Self.python("import sys\nsys.stdout.write('x' * 3_000_000)", limit: 100_000)
        #expect(outcome.ending == .exited(0))
        #expect(outcome.output == [UInt8](repeating: UInt8(ascii: "x"), count: 100_000))
    }

    @Test func aProgramThatCannotBeStartedIsANativeErrorWithTheSystemsReason() throws {
        let scratch = try TemporaryDirectory("child-process")
        defer { scratch.remove() }
        let notExecutable = try scratch.write(Array("#!/bin/sh\n".utf8), to: "not-executable")
        for (path, reason) in [(scratch.file("absent"), "No such file or directory"), (notExecutable, "Permission denied")] {
            let error = #expect(throws: NativeError.self) {
                try ChildProcess.run(path, arguments: [], environment: [:], timeoutSeconds: 5)
            }
            #expect(error?.detail == reason, "\(path)")
            #expect(error?.operation == "run \(path)")
        }
    }
}
