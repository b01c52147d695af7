import ArgumentParser

/// The `trailproof` command: proves CloudTrail log files are what CloudTrail delivered.
@main
struct Trailproof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailproof",
        abstract: "Prove that AWS CloudTrail log files are exactly what CloudTrail delivered.",
        discussion: """
            trailproof walks CloudTrail digest chains, checks every RSA signature and every log
            file's SHA-256, and reports what was modified, deleted, moved, planted, or never
            covered.

            EXIT STATUS
              0  everything in scope verified
              1  an integrity problem was found (including gaps, unless --allow-gaps)
              2  usage or operational error (unreadable root, unusable key file, no digests)
            """,
        version: "0.1.0",
        subcommands: [VerifyCommand.self]
    )
}
