import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// `records --follow` against each S3 server while a writer uploads hour after hour: killed with SIGKILL in
/// the middle and started again, it still delivers every record of every valid log file exactly
/// once, and never the records of a log file tampered with before its digest arrived.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct FollowModeTests {
    /// Starts `trailproof records … --follow` in the background.
    static func follow(_ trail: S3Trail, state: String, out: String) throws -> RunningProcess {
        try ProcessRunner.start(try #require(TrailproofBinary.path),
                                ["records", "s3://\(trail.bucket)", "--state", state, "--out", out, "--follow", "--poll", "1",
                                 "--public-keys", trail.trail.publicKeysFile],
                                environment: trail.awsProcessEnvironment)
    }

    /// Uploads the objects of `trail` delivered before `cut` that `uploaded` does not hold yet.
    static func upload(_ trail: S3Trail, before cut: UTCTime, uploaded: inout Set<String>, batch: Int) throws {
        let staging = trail.scratch.path + "/batch\(batch)/" + trail.bucket
        var any = false
        for key in try DirectoryStore(root: trail.trail.root).listKeys() where !uploaded.contains(key) {
            let time = TrailObjectKey.locationAndTime(ofKey: key)?.time
            guard let time, time < cut else { continue }
            try LocalFile.write(try trail.trail.readObject(key), to: staging + "/" + key)
            uploaded.insert(key)
            any = true
        }
        guard any else { return }
        let run = try ExternalCommand.run(["python3", TrailproofBinary.packageRoot + "/scripts/upload-trail.py", trail.s3Endpoint, staging, trail.bucket],
                                          environment: trail.awsProcessEnvironment)
        #expect(run.status == 0, "\(run)")
    }

    @Test(arguments: S3Server.allCases)
    func killedAndRestartedItDeliversEveryValidRecordExactlyOnce(on server: S3Server) throws {
        let hours = 6
        let start = UTCTime(secondsSinceEpoch: (UTCTime.now.secondsSinceEpoch / 3600 - Int64(hours)) * 3600 + 1302)
        let trail = try S3Trail("follow", on: server) { $0.hours = hours; $0.start = start; $0.seed = 77 }
        defer { trail.remove() }
        try trail.registerKeys()
        // Tampered with before its digest arrives: its digest (genuine) lists the original hash.
        let tampered = trail.digestWithLogs(2).logKeys[0]
        try trail.trail.modifyLogFile(tampered)

        let state = trail.scratch.path + "/state.json", out = trail.scratch.path + "/records.ndjson"
        var uploaded = Set<String>()
        let cuts = trail.digests.map { $0.endTime.adding(seconds: 30) }
        try Self.upload(trail, before: cuts[0], uploaded: &uploaded, batch: 0)
        var process = try Self.follow(trail, state: state, out: out)
        for batch in 1..<hours {
            Thread.sleep(forTimeInterval: 2.5)
            if batch == 3 {
                // SIGKILL mid-way: no chance to save anything; the restart must neither lose nor repeat.
                process.kill()
                _ = try process.wait(timeout: 30)
                process = try Self.follow(trail, state: state, out: out)
            }
            try Self.upload(trail, before: cuts[batch], uploaded: &uploaded, batch: batch)
        }
        // Log files delivered after the newest digest stay held; everything else is released.
        Thread.sleep(forTimeInterval: 4)
        process.send(SIGTERM)
        let ended = try process.wait(timeout: 120)
        #expect(ended.signal == nil, "SIGTERM ends the round and the process cleanly: \(ended)")
        #expect(ended.status == 1, "the tampered log file is a finding: \(ended)")

        var expected: [String] = []
        let newest = trail.digests[hours - 1]
        for log in trail.trail.logFiles where log.key != tampered && log.deliveredAt < newest.endTime.adding(seconds: -300) && log.digestKey != nil {
            let body = try Gzip.decompress(try trail.trail.readObject(log.key), limit: 1 << 26)
            let records = ((try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["Records"] as? [[String: Any]]) ?? []
            expected += records.compactMap { $0["eventID"] as? String }
        }
        let lines = String(decoding: try LocalFile.readAll(out, limit: 1 << 26), as: UTF8.self).split(separator: "\n")
        let released = try lines.map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(((object["trailproof"] as? [String: Any])?["logFile"] as? String)?.hasSuffix(tampered) != true)
            return object["eventID"] as? String ?? "?"
        }
        #expect(released.count == Set(released).count, "\(released.count - Set(released).count) records twice")
        #expect(Set(expected).isSubset(of: Set(released)), "\(Set(expected).subtracting(released).count) records never released")
        #expect(!expected.isEmpty)
    }
}
