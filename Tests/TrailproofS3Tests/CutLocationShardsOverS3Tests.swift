import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Shards of a location cut by date folder (`TRAILPROOF_BATCH_OBJECTS` small, as for a large
/// bucket), over S3 with a planned reference time: honest shards merge to the single run's
/// report; a digest deleted with its log file only while the shard holding their day runs, and
/// put back after, makes the merge refuse instead of passing the modified log file it lists.
@Suite(.serialized) struct CutLocationShardsOverS3Tests {
    @Test(arguments: [UInt64(4), 19])
    func aDigestHiddenWhileOneShardRanMakesTheMergeRefuse(seed: UInt64) throws {
        let trail = try S3Trail("cut-shards-\(seed)") { spec in
            spec.seed = seed
            spec.hours = 54
            spec.logFilesPerHour = 1...2
            spec.eventsPerLogFile = 1...2
        }
        defer { trail.remove() }
        // A digest of the second day listing only that day's log files, one of them modified.
        let days = trail.trail.primaryDigests.map { $0.endTime.keyDatePath }
        let secondDay = try #require(days.first { !$0.utf8.elementsEqual(days[0].utf8) })
        let target = try #require(trail.trail.primaryDigestsWithLogs.first { digest in
            digest.endTime.keyDatePath.utf8.elementsEqual(secondDay.utf8)
                && digest.logKeys.allSatisfy { $0.split(separator: "/").dropLast().suffix(3).joined(separator: "/").utf8.elementsEqual(secondDay.utf8) }
        })
        try trail.trail.modifyLogFile(target.logKeys[0])
        try trail.upload()
        try trail.registerKeys()

        let cut = ["TRAILPROOF_BATCH_OBJECTS": "5", ShardRun.referenceTimeVariable: UTCTime.now.iso8601]
        let single = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--format", "json", "--run-id", "r"], environment: cut)
        #expect(single.status == 1, "\(single)")
        func shard(_ index: Int) throws -> String {
            let path = trail.scratch.path + "/shard-\(index).json"
            let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--shard", "\(index)/2", "--run-id", "r",
                                            "--report", "json=" + path, "--defer-verdict"], environment: cut)
            #expect(run.status == 0, "\(run)")
            return path
        }
        let honest = try [shard(0), shard(1)]
        let seen = try honest.map { try JSONReport.decode(try LocalFile.readAll($0, limit: 1 << 26)).shard?.cutLocations }
        #expect(seen[0] != nil && seen[0] == seen[1], "\(seen)")
        let merged = try trail.trailproof(["merge", "--run-id", "r"] + honest + ["--format", "json"])
        #expect(merged.status == 1, "\(merged)")
        #expect(try ShardsOverS3Tests.withoutReferenceTime(Array(merged.stdout.utf8)) == (try ShardsOverS3Tests.withoutReferenceTime(Array(single.stdout.utf8))))

        // Shard 1 holds the second day: the digest and its log files are out of the bucket while it runs.
        let hidden = [target.key] + target.logKeys
        for key in hidden {
            let delete = try ExternalCommand.run(["aws", "s3api", "delete-object", "--bucket", trail.bucket, "--key", key],
                                                 environment: trail.awsProcessEnvironment)
            #expect(delete.status == 0, "\(delete)")
        }
        let blind = try shard(1)
        let sidecar = try JSONSerialization.jsonObject(with: Data(try LocalFile.readAll(trail.trail.path(of: target.key) + ".metadata.json", limit: 1 << 20)))
        let signature = ((sidecar as? [String: Any])?["signature"] as? String)
        try OddKeyShapeTests.put(hidden.map { key in (key, trail.trail.path(of: key), key.utf8.elementsEqual(target.key.utf8) ? signature : nil) }, into: trail)
        let refused = try trail.trailproof(["merge", "--run-id", "r", honest[0], blind])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("digests of AWSLogs/"), "\(refused)")
    }
}
