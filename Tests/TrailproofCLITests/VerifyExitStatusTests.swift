import Foundation
import Testing
import TrailproofNative
import TrailproofTrailGen

/// `trailproof verify` on generated trails: exit status 0 when verified, 1 for integrity problems.
@Suite struct VerifyExitStatusTests {
    @Test func aValidTrailVerifiesWithExitStatus0() throws {
        let trail = try CLITrail("valid")
        defer { trail.remove() }
        let run = try trail.verify()
        let digests = trail.trail.digests.count, logs = trail.trail.logFiles.count
        #expect(digests == 4 && logs >= 4)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutLines.contains("\(digests)/\(digests) digest files valid"), "\(run)")
        #expect(run.stdoutLines.contains("\(logs)/\(logs) log files valid"), "\(run)")
        #expect(run.stdoutLines.contains("Result: VERIFIED"), "\(run)")
        #expect(run.stdout.hasSuffix("Result: VERIFIED\n"), "\(run)")
        // Only notes on stderr (at least the bucket assumed without --bucket), never a finding.
        #expect(run.stderrLines.contains { $0.contains("--bucket not given") }, "\(run)")
        #expect(run.stderrLines.allSatisfy { $0.hasPrefix("trailproof: note: ") }, "\(run)")
    }

    @Test func oneHashingThreadGivesTheSameResult() throws {
        let trail = try CLITrail("jobs")
        defer { trail.remove() }
        let run = try trail.verify(["--concurrency", "1"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutLines.contains("Result: VERIFIED"), "\(run)")
    }

    @Test func aModifiedLogFileExits1AndIsNamedOnStandardError() throws {
        let trail = try CLITrail("modified-log")
        defer { trail.remove() }
        let target = trail.trail.logFiles[1].key
        try trail.trail.modifyLogFile(target)
        let run = try trail.verify()
        let logs = trail.trail.logFiles.count
        #expect(run.status == 1, "\(run)")
        let line = try #require(run.stderrLines.first { $0.hasPrefix("trailproof: log-file modified:") }, "\(run)")
        #expect(line.contains(target))
        #expect(run.stderrLines.filter { $0.hasPrefix("trailproof: log-file") }.count == 1, "\(run)")
        #expect(run.stdoutLines.contains("\(logs - 1)/\(logs) log files valid, 1 modified"), "\(run)")
        #expect(run.stdoutLines.contains("Result: INTEGRITY PROBLEMS FOUND (1): 1 log file modified"), "\(run)")
        #expect(!run.stdout.contains("Result: VERIFIED"))
    }

    @Test func aDeletedLogFileExits1AsMissing() throws {
        let trail = try CLITrail("deleted-log")
        defer { trail.remove() }
        let target = trail.trail.logFiles[0].key
        try trail.trail.deleteObject(target)
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderrLines.contains { $0.hasPrefix("trailproof: log-file missing:") && $0.contains(target) }, "\(run)")
    }

    @Test func aPlantedLogFileExits1AsUnreferenced() throws {
        let trail = try CLITrail("planted-log")
        defer { trail.remove() }
        let digest = trail.trail.primaryDigests[1]
        let planted = try trail.trail.plantLogFile(at: digest.startTime.adding(seconds: 600))
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderrLines.contains { $0.hasPrefix("trailproof: log-file unreferenced:") && $0.contains(planted) }, "\(run)")
    }

    @Test func aModifiedDigestExits1() throws {
        let trail = try CLITrail("modified-digest")
        defer { trail.remove() }
        let target = trail.trail.primaryDigests[2].key
        try trail.trail.modifyDigest(target)
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderrLines.contains { $0.hasPrefix("trailproof: digest signature-invalid:") && $0.contains(target) }, "\(run)")
    }

    @Test func aGapExits1UnlessGapsAreAllowed() throws {
        let trail = try CLITrail("gap") { spec in
            spec.hours = 5
            spec.stopLogging = (afterHour: 1, hours: 3)
        }
        defer { trail.remove() }
        let strict = try trail.verify()
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stderrLines.contains { $0.hasPrefix("trailproof: gap chain-restart:") }, "\(strict)")
        #expect(strict.stdoutLines.contains("1 gap with no integrity coverage"), "\(strict)")

        let allowed = try trail.verify(["--allow-gaps"])
        #expect(allowed.status == 0, "\(allowed)")
        #expect(allowed.stderrLines.contains { $0.hasPrefix("trailproof: note: gap chain-restart:") }, "\(allowed)")
        #expect(!allowed.stderrLines.contains { $0.hasPrefix("trailproof: gap") }, "\(allowed)")
        #expect(allowed.stdoutLines.contains("1 gap with no integrity coverage (allowed)"), "\(allowed)")
        #expect(allowed.stdoutLines.contains("Result: VERIFIED"), "\(allowed)")
    }

    @Test func allowGapsDoesNotExcuseOtherProblems() throws {
        let trail = try CLITrail("gap-and-modified") { spec in
            spec.hours = 5
            spec.stopLogging = (afterHour: 1, hours: 3)
        }
        defer { trail.remove() }
        try trail.trail.modifyLogFile(trail.trail.logFiles[0].key)
        let run = try trail.verify(["--allow-gaps"])
        #expect(run.status == 1, "\(run)")
    }

    @Test func theNewestDigestWithoutSavedMetadataNeedsHeadSignature() throws {
        let trail = try CLITrail("head-signature") { $0.metadataSidecars = .none }
        defer { trail.remove() }
        let digests = trail.trail.primaryDigests
        let newest = try #require(digests.last)

        let without = try trail.verify()
        #expect(without.status == 1, "\(without)")
        #expect(without.stderrLines.contains { $0.hasPrefix("trailproof: digest signature-unavailable:") && $0.contains(newest.key) },
                "\(without)")

        let with = try trail.verify(["--head-signature", newest.signatureHex])
        #expect(with.status == 0, "\(with)")
        #expect(with.stdoutLines.contains("\(digests.count)/\(digests.count) digest files valid"), "\(with)")
        #expect(with.stdout.contains("1 head-signature"), "\(with)")
        #expect(with.stdout.contains("\(digests.count - 1) successor-digest"), "\(with)")

        // Hex case does not matter.
        let upper = try trail.verify(["--head-signature", newest.signatureHex.uppercased()])
        #expect(upper.status == 0, "\(upper)")
    }

    @Test func theWrongHeadSignatureDoesNotVerifyTheNewestDigest() throws {
        let trail = try CLITrail("wrong-head-signature") { $0.metadataSidecars = .none }
        defer { trail.remove() }
        let digests = trail.trail.primaryDigests
        // The signature of another digest of the same chain, with the same key.
        let run = try trail.verify(["--head-signature", digests[0].signatureHex])
        #expect(run.status == 1, "\(run)")
        #expect(!run.stdout.contains("Result: VERIFIED"), "\(run)")
    }

    @Test(.enabled(if: userExtendedAttributesWork(), "the temporary directory's file system has no user extended attributes"))
    func signaturesInExtendedAttributesAreUsed() throws {
        let trail = try CLITrail("xattrs") { spec in
            spec.metadataSidecars = .none
            spec.extendedAttributes = true
        }
        defer { trail.remove() }
        let run = try trail.verify()
        let digests = trail.trail.digests.count
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("\(digests) extended-attribute"), "\(run)")
    }

    // The committed sample: Fixtures/sample-trail (bucket copy + public-keys.json).
    static let sampleRoot = BuiltBinary.packageRoot + "/Fixtures/sample-trail/trailproof-sample-bucket"
    static let sampleKeys = BuiltBinary.packageRoot + "/Fixtures/sample-trail/public-keys.json"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: sampleKeys), "Fixtures/sample-trail is not committed yet"))
    func theCommittedSampleTrailVerifies() throws {
        let run = try BuiltBinary.run(["verify", Self.sampleRoot, "--public-keys", Self.sampleKeys])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutLines.contains("Result: VERIFIED"), "\(run)")
        #expect(run.stdoutLines.contains { $0.hasSuffix(" digest files valid") && !$0.hasPrefix("0/") }, "\(run)")
    }
}

/// True when `user.` extended attributes can be set in the temporary directory.
func userExtendedAttributesWork() -> Bool {
    guard let scratch = try? ScratchDirectory("xattr-probe") else { return false }
    defer { scratch.remove() }
    let path = scratch.path + "/probe"
    guard (try? LocalFile.write([1], to: path)) != nil else { return false }
    return (try? LocalFile.setExtendedAttribute("user.probe", value: [1], on: path)) != nil
}
