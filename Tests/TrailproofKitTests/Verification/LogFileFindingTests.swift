import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

@Suite struct LogFileFindingTests {
    @Test(arguments: [3, 11] as [UInt64])
    func aModifiedLogFileIsReportedWithBothHashes(seed: UInt64) throws {
        let scenario = try TrailScenario("modified-log") { $0.seed = seed }
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[Int(seed) % scenario.trail.logFiles.count]
        try scenario.trail.modifyLogFile(log.key)
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(log.key, in: report))
        #expect(record.verdict == .modified)
        #expect(record.actualSHA256 != nil && record.actualSHA256 != record.expectedSHA256)
        #expect(record.digest == log.digestKey)
        #expect(report.failingLogFiles.count == 1)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aDeletedLogFileIsMissing() throws {
        let scenario = try TrailScenario("missing-log")
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[1]
        try scenario.trail.deleteObject(log.key)
        let report = try scenario.verify()
        #expect(scenario.logFile(log.key, in: report)?.verdict == .missing)
        #expect(report.failingLogFiles.count == 1)
    }

    @Test(arguments: ["truncated", "garbage", "empty", "trailing-garbage"])
    func anUnreadableLogFileIsAFindingNeverValid(kind: String) throws {
        let scenario = try TrailScenario("unreadable-\(kind)")
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        let original = try LocalFile.readAll(scenario.trail.path(of: log.key), limit: 1 << 26)
        switch kind {
        case "truncated": try scenario.trail.truncateObject(log.key)
        case "garbage": try scenario.trail.overwriteObject(log.key, with: Array(repeating: 0x41, count: 5000))
        case "empty": try scenario.trail.overwriteObject(log.key, with: [])
        default: try scenario.trail.overwriteObject(log.key, with: original + Array("junk".utf8))
        }
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(log.key, in: report))
        #expect(record.verdict == .unreadable)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aConcatenatedGzipWithTheSameContentIsStillValid() throws {
        let scenario = try TrailScenario("multi-member")
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        let body = try Gzip.decompress(try LocalFile.readAll(scenario.trail.path(of: log.key), limit: 1 << 26), limit: 1 << 26)
        let half = body.count / 2
        try scenario.trail.overwriteObject(log.key, with: try Gzip.compress(Array(body[..<half])) + Gzip.compress(Array(body[half...])))
        #expect(scenario.logFile(log.key, in: try scenario.verify { $0.listEveryValidRecord() })?.verdict == .valid)
    }

    @Test func aPlantedLogFileInACoveredHourIsUnreferenced() throws {
        let scenario = try TrailScenario("planted")
        defer { scenario.scratch.remove() }
        let hour = scenario.digests[4]
        let planted = try scenario.trail.plantLogFile(at: hour.startTime.adding(seconds: 1200))
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(planted, in: report))
        #expect(record.verdict == .unreferenced)
        #expect(record.digest == nil)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aLogFileNewerThanTheNewestDigestIsNotYetCovered() throws {
        let scenario = try TrailScenario("not-yet")
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last)
        let key = try scenario.trail.plantLogFile(at: newest.endTime.adding(seconds: 900))
        let report = try scenario.verify()
        #expect(scenario.logFile(key, in: report)?.verdict == .notYetCovered)
        #expect(report.totals.exitStatus == 0, "a notice, not a finding")
    }

    @Test func aLogFileOlderThanTheFirstDigestIsReportedAsNeverCovered() throws {
        let scenario = try TrailScenario("before-first")
        defer { scenario.scratch.remove() }
        let first = scenario.digests[0]
        let key = try scenario.trail.plantLogFile(at: first.startTime.adding(seconds: -7200))
        let report = try scenario.verify()
        #expect(scenario.logFile(key, in: report)?.verdict == .beforeFirstDigest)
        #expect(report.totals.exitStatus == 0)
        // The detail gives the log file's own time beside the first digest's start.
        let detail = scenario.logFile(key, in: report)?.detail ?? ""
        #expect(detail.contains("delivered at 2026-01-08T02:") && detail.contains("(starting \(first.startTime.iso8601))"), "\(detail)")
    }

    @Test func aLogFileDeliveredMinutesAfterTheFirstDigestStartedIsUnlistedNotOlder() throws {
        let scenario = try TrailScenario("after-first-start")
        defer { scenario.scratch.remove() }
        let first = scenario.digests[0]
        let key = try scenario.trail.plantLogFile(at: first.startTime.adding(seconds: 300))
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(key, in: report))
        #expect(record.verdict == .unreferenced, "the first digest lists every log file of its hour: \(record.detail ?? "")")
        #expect(record.detail?.contains("before the first digest") == false)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aLogFileDeliveredDuringAGapIsUnreferencedAndSaysSo() throws {
        let scenario = try TrailScenario("gap-log") { $0.stopLogging = (afterHour: 3, hours: 4) }
        defer { scenario.scratch.remove() }
        let key = try scenario.trail.plantLogFile(at: scenario.digests[3].endTime.adding(seconds: 2 * 3600))
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(key, in: report))
        #expect(record.verdict == .unreferenced)
        #expect(record.detail?.contains("gap") == true)
    }

    @Test func logFilesAreHashedWithAnyNumberOfWorkers() throws {
        let scenario = try TrailScenario("workers") { $0.hours = 6; $0.logFilesPerHour = 3...6 }
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.trail.logFiles[5].key)
        let results = try [1, 2, 7].map { workers in try scenario.verify { $0.policy.workers = workers } }
        for report in results {
            #expect(report.logFiles.map(\.verdict) == results[0].logFiles.map(\.verdict))
            #expect(report.failingLogFiles.map(\.key) == [scenario.trail.logFiles[5].key])
        }
    }
}
