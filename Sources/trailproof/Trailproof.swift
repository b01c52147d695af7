import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

/// The `trailproof` command: proves CloudTrail log files are what CloudTrail delivered.
@main
struct Trailproof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailproof",
        abstract: "Prove that AWS CloudTrail log files are exactly what CloudTrail delivered.",
        discussion: """
            trailproof walks CloudTrail digest chains, checks every RSA signature and every \
            log file's SHA-256, and reports what was modified, deleted, moved, planted, or \
            never covered.

            EXIT STATUS
              0  everything in scope verified
              1  an integrity problem was found (including gaps, unless --allow-gaps)
              2  usage or operational error (bad arguments, unreadable root,
                 unusable key file, no digests)
            """,
        version: "\(TrailproofVersion.current) (\(BuildRevision.description))",
        subcommands: [VerifyCommand.self, RecordsCommand.self, KeysCommand.self, ArchiveCommand.self, VerifyQueryResultsCommand.self, MergeCommand.self]
    )

    /// Runs the command, mapping every usage error to exit status 2 (ArgumentParser's default is 64).
    static func main() {
        // Over S3, 128 threads each keep a cache of freed blocks that no trim reaches: off.
        let overS3 = TransferRun.readsOverS3(CommandLine.arguments)
        if overS3 { Allocator.restartWithoutThreadCaches() }
        // A run's threads come and go batch after batch: a few arenas serve them, and memory
        // stays flat (see `Allocator`).
        Allocator.limitArenas(to: max(4, VerificationOptions.defaultWorkers))
        // A mapping of its own for each large block, given back when freed. Over a directory,
        // from 1 MiB: smaller ones (a digest's bytes, a group's read of the spilled listing) are
        // reused from the heap rather than faulted in afresh each time (at 128 KiB a busy
        // location's run spent 4% of its CPU on page faults). Over S3, where 128 transfers'
        // buffers come and go, from 128 KiB, as its memory was measured.
        Allocator.mapAllocations(from: overS3 ? 128 << 10 : 1 << 20)
        // No arguments at all, not even the program's name: the runtime could not read them (a
        // static binary reads /proc/self/cmdline; a chroot without /proc has none). Running the
        // root command then would print help and exit 0 in place of the verification asked for.
        if CommandLine.arguments.isEmpty {
            StandardStream.error.writeIfPossible("trailproof: error: the command line could not be read (is /proc mounted?)\n")
            Self.exit(withError: ExitCode(2))
        }
        if CommandLine.arguments.count == 1 {
            StandardStream.error.writeIfPossible(helpMessage() + "\n")
            Self.exit(withError: ExitCode(2))
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch {
            if exitCode(for: error) == .success { Self.exit(withError: error) }
            let error = LibraryErrorWording.worded(error)
            var message = fullMessage(for: error)
            if !message.hasPrefix("Error:") && !message.hasPrefix("error:") { message = "error: " + message }
            else { message = "error:" + message.dropFirst("Error:".count) }
            StandardStream.error.writeIfPossible("trailproof: \(message)\n")
            Self.exit(withError: ExitCode(2))
        }
    }
}
