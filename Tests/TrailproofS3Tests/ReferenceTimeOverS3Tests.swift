import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// In S3 the run's own clock is known: a log file dated after it, or more than 2 h after the
/// newest authenticated digest, is never "not yet covered", with or without --end.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct ReferenceTimeOverS3Tests {
    static let in2030 = UTCTime(year: 2030, month: 3, day: 1, hour: 12, minute: 0, second: 0)!
    static let in2099 = UTCTime(year: 2099, month: 12, day: 31, hour: 23, minute: 30, second: 0)!

    @Test(arguments: [in2030, in2099], [[], ["--end", "2100-01-01"]])
    func aLogFilePlantedYearsAheadIsUnreferenced(planted: UTCTime, window: [String]) throws {
        let trail = try S3Trail("ahead-\(planted.secondsSinceEpoch)-\(window.count)") { $0.hours = 4 }
        defer { trail.remove() }
        let key = try trail.trail.plantLogFile(at: planted)
        try trail.upload()
        try trail.registerKeys()
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)"] + window)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("log-file unreferenced: \(trail.url(key))"), "\(run)")
        #expect(!run.stderr.contains("not-yet-covered"), "\(run)")
    }

    /// A trail whose newest digest ended less than an hour ago: a log file delivered since may
    /// still wait for its digest, one dated after the run's clock may not.
    @Test(arguments: [-600, 900] as [Int64])
    func aLogFileAfterTheRunsOwnClockIsUnreferencedOneBeforeItMayWait(offset: Int64) throws {
        let now = UTCTime.now
        let trail = try S3Trail("clock-\(offset)") { $0.hours = 4; $0.start = now.adding(seconds: -4 * 3600 - 1800) }
        defer { trail.remove() }
        let newest = try #require(trail.digests.last)
        #expect(newest.endTime < now && newest.endTime.adding(seconds: 3600) > now)
        let key = try trail.trail.plantLogFile(at: now.adding(seconds: offset))
        try trail.upload()
        try trail.registerKeys()
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)"])
        if offset < 0 {
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains(" log files valid, 1 not yet covered"), "\(run)")
        } else {
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.contains("log-file unreferenced: \(trail.url(key))"), "\(run)")
            #expect(run.stderr.contains("after this run's own clock"), "\(run)")
        }
    }

    /// README: without --end, deleting the newest digests with their log files looks like a
    /// trail that stopped, in S3 too; --end set to the current time has coverage required up to
    /// 2 h before the run's own clock.
    @Test(arguments: [false, true])
    func deletedNewestDigestsAreCaughtAgainstTheRunsClockWithEndNow(deleted: Bool) throws {
        let now = UTCTime.now
        let trail = try S3Trail("end-now-\(deleted)") { $0.hours = 8; $0.start = now.adding(seconds: -8 * 3600 - 1800) }
        defer { trail.remove() }
        if deleted {
            for digest in trail.digests.suffix(3) {
                try trail.trail.deleteObject(digest.key)
                for key in digest.logKeys { try trail.trail.deleteObject(key) }
            }
        }
        try trail.upload()
        try trail.registerKeys()
        let withoutEnd = try trail.trailproof(["verify", "s3://\(trail.bucket)"])
        #expect(withoutEnd.status == 0, "without --end a trail that stopped is not caught (documented): \(withoutEnd)")
        let withEnd = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--end", UTCTime.now.iso8601])
        #expect(withEnd.status == (deleted ? 1 : 0), "\(withEnd)")
        #expect(withEnd.stderr.contains("gap uncovered-end") == deleted, "\(withEnd)")
    }
}
