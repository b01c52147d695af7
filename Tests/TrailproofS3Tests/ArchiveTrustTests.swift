import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// An archive made from S3 (each S3 server) is evidence, not a trust anchor: verifying it checks
/// everything it holds, takes no keys from it unless asked, and catches what was done to it afterwards.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct ArchiveTrustTests {
    /// Uploads `trail`, registers its keys and archives the bucket (with `window`, if any) into
    /// the scratch directory; returns the archive's path.
    static func archived(_ trail: S3Trail, window: [String] = []) throws -> String {
        try trail.upload()
        try trail.registerKeys()
        let out = trail.scratch.path + "/archive"
        let archive = try trail.trailproof(["archive", "s3://\(trail.bucket)", "--out", out] + window)
        #expect(archive.status == 0, "\(archive)")
        return out
    }

    @Test(arguments: [(5, 2, 21 as UInt64), (12, 3, 8)], S3Server.allCases)
    func aWindowedArchiveVerifiesWholeWithNothingNarrowingIt(shape: (hours: Int, from: Int, seed: UInt64), on server: S3Server) throws {
        let (hours, from, seed) = shape
        let trail = try S3Trail("archive-window", on: server) { $0.hours = hours + from + 3; $0.seed = seed; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { trail.remove() }
        let start = trail.digests[from].endTime, end = trail.digests[from + hours].endTime
        let out = try Self.archived(trail, window: ["--start", start.iso8601, "--end", end.iso8601])

        // No window given: every object in the archive is checked, the edge digests' log files too.
        let offline = try trail.trailproof(["verify", out, "--public-keys", trail.trail.publicKeysFile])
        #expect(offline.status == 0, "\(offline)")
        #expect(offline.stdout.contains("Result: VERIFIED"), "\(offline)")
        #expect(offline.stdout.contains("Public keys from: key file \(trail.trail.publicKeysFile)"), "\(offline)")
        let own = try trail.trailproof(["verify", out, "--keys-from-archive"])
        #expect(own.status == 0, "\(own)")
        #expect(own.stdout.contains("Public keys from: the archive itself"), "\(own)")
    }

    @Test(arguments: S3Server.allCases)
    func deletingTheArchivedNewestDigestAndCoveringItsTracksIsCaught(on server: S3Server) throws {
        let trail = try S3Trail("archive-tamper", on: server) { $0.hours = 6; $0.seed = 5 }
        defer { trail.remove() }
        let out = try Self.archived(trail)
        // In the archive: delete the newest digest, modify its log files, and save the one
        // before it's genuine signature as its sidecar.
        let newest = try #require(trail.digests.last)
        let previous = trail.digests[trail.digests.count - 2]
        try LocalFile.remove(out + "/" + newest.key)
        try LocalFile.remove(out + "/" + newest.key + ".metadata.json")
        for key in newest.logKeys {
            let body = try Gzip.decompress(try LocalFile.readAll(out + "/" + key, limit: 1 << 26), limit: 1 << 26)
            try LocalFile.write(try Gzip.compress(body + Array(" ".utf8)), to: out + "/" + key)
        }
        try LocalFile.write(Array("{\"Metadata\": {\"signature\": \"\(previous.signatureHex)\"}}".utf8),
                            to: out + "/" + previous.key + ".metadata.json")
        let run = try trail.trailproof(["verify", out, "--public-keys", trail.trail.publicKeysFile])
        #expect(run.status == 1, "\(run)")
        for key in newest.logKeys {
            #expect(run.stderr.contains("log-file unreferenced: \(trail.url(key))"), "\(run)")
        }
        let withHead = try trail.trailproof(["verify", out, "--public-keys", trail.trail.publicKeysFile, "--head-signature", newest.signatureHex])
        #expect(withHead.status == 1, "\(withHead)")
        #expect(withHead.stderr.contains("signs no digest present"), "\(withHead)")
    }

    @Test(arguments: S3Server.allCases)
    func archivedSidecarsKeepTheBackfillGenerationTimestamp(on server: S3Server) throws {
        let trail = try S3Trail("archive-backfill", on: server) { $0.hours = 6; $0.backfill = true }
        defer { trail.remove() }
        let out = try Self.archived(trail)
        let backfill = trail.trail.digests.filter(\.chain.isBackfill)
        #expect(!backfill.isEmpty)
        for digest in backfill {
            let original = try #require(SavedSignature(metadataJSON: try LocalFile.readAll(trail.trail.path(of: digest.key) + ".metadata.json", limit: 1 << 20)))
            let archived = try #require(SavedSignature(metadataJSON: try LocalFile.readAll(out + "/" + digest.key + ".metadata.json", limit: 1 << 20)))
            #expect(original.backfillGenerationTimestamp != nil)
            #expect(archived.backfillGenerationTimestamp == original.backfillGenerationTimestamp)
            #expect(archived.signatureHex == digest.signatureHex)
        }
    }
}
