import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// An archive's manifest may say its window starts later than its chains' first digests (an
/// archive made with --start): the link from the oldest digest it holds to the one before is
/// then not followed, and said so. The manifest is a claim, never a filter: one planted with a
/// start just after a digest deleted from the middle of a chain (with its log files) excuses
/// nothing while an older digest of that chain is present.
@Suite struct ManifestStartAttackTests {
    /// Writes a complete manifest whose window starts `seconds` after `time`.
    static func plantManifest(in scenario: TrailScenario, startingAfter time: UTCTime, seconds: Int64 = 5) throws {
        let newest = try #require(scenario.digests.last).endTime
        var manifest = ArchiveManifest(bucket: scenario.spec.bucket, prefix: "", start: time.adding(seconds: seconds), end: nil,
                                       createdAt: newest.adding(seconds: 600))
        manifest.complete = true
        try manifest.write(into: scenario.trail.root)
    }

    /// Deletes a digest, its signature sidecar and the log files it lists.
    static func deleteWithLogs(_ digest: GeneratedDigest, in scenario: TrailScenario) throws {
        for key in digest.logKeys { try scenario.trail.deleteObject(key) }
        try scenario.trail.deleteObject(digest.key)
    }

    @Test(arguments: [(seed: 11 as UInt64, deleted: 1, regions: ["us-east-1"]), (seed: 4, deleted: 2, regions: ["us-east-1", "eu-west-2"]),
                      (seed: 27, deleted: 4, regions: ["ap-south-1"])])
    func aDigestDeletedFromTheMiddleIsMissingWhateverStartAManifestClaims(_ shape: (seed: UInt64, deleted: Int, regions: [String])) throws {
        let scenario = try TrailScenario("manifest-middle-\(shape.seed)") {
            $0.hours = 7
            $0.seed = shape.seed
            $0.logFilesPerHour = 1...2
            $0.regions = shape.regions
        }
        defer { scenario.scratch.remove() }
        let chainDigests = scenario.digests.filter { $0.chain == scenario.digests[0].chain }
        let deleted = chainDigests[shape.deleted]
        try Self.deleteWithLogs(deleted, in: scenario)
        let withoutManifest = try scenario.verify()
        #expect(withoutManifest.totals.exitStatus == 1)
        #expect(withoutManifest.digests.contains { $0.key == deleted.key && $0.verdict == .missing })

        // The manifest's start lies just after the deleted digest: every digest before it but
        // the one the deleted one follows... and that one is older than it, so present.
        try Self.plantManifest(in: scenario, startingAfter: deleted.endTime)
        let report = try scenario.verify()
        #expect(report.totals.exitStatus == 1, "a hole in the middle of the chain is not excused")
        #expect(report.digests.contains { $0.key == deleted.key && $0.verdict == .missing }, "\(report.digests.map { "\($0.key) \($0.verdict)" })")
        #expect(!report.notices.contains { if case .linkNotFollowed = $0 { true } else { false } })
    }

    @Test(arguments: [11 as UInt64, 5, 19])
    func theLinkFromTheOldestDigestHeldIsNotFollowedWhenTheManifestSaysTheWindowStartsAfterIt(_ seed: UInt64) throws {
        let scenario = try TrailScenario("manifest-start-\(seed)") { $0.hours = 6; $0.seed = seed; $0.logFilesPerHour = 1...2 }
        defer { scenario.scratch.remove() }
        // What an archive made with --start holds: the oldest digests (all of every chain before
        // the edge one) with their log files are not in it.
        let chain = scenario.digests[0].chain
        let chainDigests = scenario.digests.filter { $0.chain == chain }
        let (dropped, edge) = (chainDigests[0], chainDigests[1])
        try Self.deleteWithLogs(dropped, in: scenario)
        try Self.plantManifest(in: scenario, startingAfter: edge.endTime, seconds: 60)
        let report = try scenario.verify()
        #expect(report.totals.exitStatus == 0, "\(report.digests.filter { $0.verdict != .valid }.map { "\($0.key) \($0.verdict)" })")
        #expect(report.notices.contains { $0 == .linkNotFollowed(digest: edge.key, previous: dropped.key) })
        #expect(!report.digests.contains { $0.verdict == .missing })
    }
}
