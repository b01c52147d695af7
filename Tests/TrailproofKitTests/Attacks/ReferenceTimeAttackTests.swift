import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The time that decides whether a log file no digest lists may still be waiting for its digest
/// never comes from an object the bucket's writer can write: a log file dated ahead (2 h, years,
/// 2099) is `unreferenced`, whatever the store and whether or not --end is given.
@Suite struct ReferenceTimeAttackTests {
    /// How the run knows the time.
    enum Clock: String, CaseIterable, CustomTestStringConvertible {
        /// A copy without --end: nothing but its own authenticated digests.
        case none
        /// A live source observed 20 minutes after the newest digest's end.
        case liveJustAfterNewestDigest
        /// A live source observed now (long after the trail's hours).
        case liveNow
        /// A copy with --end far ahead (2100).
        case endFarAhead
        /// A live source observed now, with --end far ahead (the clock caps it).
        case liveNowWithEndFarAhead

        var testDescription: String { rawValue }
    }

    /// Where a log file is planted, after the newest digest.
    enum Plant: String, CaseIterable, CustomTestStringConvertible {
        case quarterHourAfterNewestDigest, halfHourAfterNewestDigest, beyondTwoHours, yearsAhead, in2099

        func time(after newest: UTCTime) -> UTCTime {
            switch self {
            case .quarterHourAfterNewestDigest: return newest.adding(seconds: 900)
            case .halfHourAfterNewestDigest: return newest.adding(seconds: 1800)
            case .beyondTwoHours: return newest.adding(seconds: 2 * 3600 + 1800)
            case .yearsAhead: return UTCTime(year: 2030, month: 3, day: 1, hour: 12, minute: 0, second: 0)!
            case .in2099: return UTCTime(year: 2099, month: 12, day: 31, hour: 22, minute: 30, second: 0)!
            }
        }

        var testDescription: String { rawValue }
    }

    /// Only a log file within 2 h of the newest authenticated digest, not after a live run's
    /// clock and not 2 h before the reference time may be waiting.
    static func mayWait(_ plant: Plant, _ clock: Clock) -> Bool {
        switch clock {
        case .none: return [.quarterHourAfterNewestDigest, .halfHourAfterNewestDigest].contains(plant)
        case .liveJustAfterNewestDigest: return plant == .quarterHourAfterNewestDigest
        case .liveNow, .endFarAhead, .liveNowWithEndFarAhead: return false
        }
    }

    static let farEnd = UTCTime(year: 2100, month: 1, day: 1, hour: 0, minute: 0, second: 0)!

    @Test(arguments: Clock.allCases, Plant.allCases)
    func aLogFileDatedAheadIsNotYetCoveredOnlyWithinTwoHoursOfTheNewestAuthenticatedDigest(clock: Clock, plant: Plant) throws {
        let scenario = try TrailScenario("ahead-\(clock.rawValue)-\(plant.rawValue)") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last).endTime
        let key = try scenario.trail.plantLogFile(at: plant.time(after: newest))
        let report = try scenario.verify { options in
            switch clock {
            case .none: break
            case .liveJustAfterNewestDigest: try options.live(at: newest.adding(seconds: 1200))
            case .liveNow: try options.live(at: .now)
            case .endFarAhead: options.end = Self.farEnd
            case .liveNowWithEndFarAhead:
                try options.live(at: .now)
                options.end = Self.farEnd
            }
        }
        let record = try #require(scenario.logFile(key, in: report), "the planted file is accounted for")
        if Self.mayWait(plant, clock) {
            #expect(record.verdict == .notYetCovered, "\(record.detail ?? "")")
            #expect(report.totals.exitStatus == 0)
        } else {
            #expect(record.verdict == .unreferenced, "\(record.detail ?? "")")
            #expect(report.totals.exitStatus == 1)
        }
        // Whatever the plant, the reference time the report states is none of its making.
        #expect(report.scope.referenceTime != plant.time(after: newest))
    }

    @Test(arguments: [Plant.halfHourAfterNewestDigest, .beyondTwoHours, .in2099])
    func aNewestDigestThatIsNotAuthenticatedDoesNotExtendTheWait(plant: Plant) throws {
        // The newest digest has no signature anywhere: only the one before it vouches for a time.
        let scenario = try TrailScenario("unsigned-newest-\(plant.rawValue)") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last)
        try scenario.trail.stripSignature(newest.key)
        let key = try scenario.trail.plantLogFile(at: plant.time(after: newest.endTime.adding(seconds: 3600)))
        let report = try scenario.verify()
        #expect(scenario.logFile(key, in: report)?.verdict == .unreferenced)
        #expect(report.totals.exitStatus == 1)
    }

    @Test(arguments: [Plant.quarterHourAfterNewestDigest, .beyondTwoHours, .yearsAhead, .in2099])
    func anArchivesStatedCreationTimeNeverExtendsTheWait(plant: Plant) throws {
        // The manifest says the archive was made just after the planted file: it "holds" it.
        let scenario = try TrailScenario("manifest-\(plant.rawValue)") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last).endTime
        let planted = plant.time(after: newest)
        let key = try scenario.trail.plantLogFile(at: planted)
        let manifest = ArchiveManifest(bucket: scenario.spec.bucket, prefix: "", start: nil, end: nil, createdAt: planted.adding(seconds: 1200))
        // The claim is the archive's own manifest file, as a plan reads it.
        try manifest.write(into: scenario.trail.root)
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(key, in: report))
        #expect(record.verdict == (plant == .quarterHourAfterNewestDigest ? .notYetCovered : .unreferenced), "\(record.detail ?? "")")
        // A stated creation time later than the file makes the rule stricter, never looser.
        let later = ArchiveManifest(bucket: scenario.spec.bucket, prefix: "", start: nil, end: nil, createdAt: Self.farEnd)
        try later.write(into: scenario.trail.root)
        let strict = try scenario.verify()
        #expect(scenario.logFile(key, in: strict)?.verdict == .unreferenced)
    }

    /// README: deleting the newest digests with their log files is caught against the run's own
    /// clock only when --end asks for coverage (up to 2 h before that clock); without --end it is
    /// indistinguishable from a trail that stopped, and the run says only what it verified.
    @Test func theRunsClockCatchesDeletedNewestDigestsWhenEndAsksForCoverage() throws {
        let scenario = try TrailScenario("clock-end") { $0.hours = 8 }
        defer { scenario.scratch.remove() }
        let clock = try #require(scenario.digests.last).endTime.adding(seconds: 1800)
        func verify(end: UTCTime?) throws -> VerificationReport {
            try scenario.verify { options in
                try options.live(at: clock)
                options.end = end
            }
        }
        #expect(try verify(end: clock).totals.exitStatus == 0, "the untouched trail reaches the clock less 2 h")
        for digest in scenario.digests.suffix(3) {
            try scenario.trail.deleteObject(digest.key)
            for key in digest.logKeys { try scenario.trail.deleteObject(key) }
        }
        let withEnd = try verify(end: clock)
        #expect(withEnd.gaps.contains { $0.kind == .uncoveredEnd })
        #expect(withEnd.totals.exitStatus == 1)
        #expect(try verify(end: UTCTime(year: 2100, month: 1, day: 1, hour: 0, minute: 0, second: 0)!).totals.exitStatus == 1)
        #expect(try verify(end: nil).totals.exitStatus == 0, "without --end, a trail that stopped: documented, not caught")
    }
}
