import Testing
@testable import TrailproofKit
import TrailproofTrailGen

@Suite struct CoverageTests {
    @Test(arguments: [(2, 3), (5, 1)])
    func aChainRestartLeavesAGapCoveringTheStoppedHours(afterHour: Int, hours: Int) throws {
        let scenario = try TrailScenario("restart") { $0.hours = 9; $0.stopLogging = (afterHour, hours) }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify()
        let gap = try #require(report.gaps.first)
        #expect(report.gaps.count == 1)
        #expect(gap.kind == .chainRestart)
        #expect(gap.span.start == scenario.digests[afterHour].endTime)
        #expect(gap.span.end == scenario.digests[afterHour + 1].startTime)
        #expect(gap.span.seconds >= Int64(hours) * 3600)
        #expect(report.failingDigests.isEmpty)
        #expect(report.totals.exitStatus == 1)
        #expect(try scenario.verify { $0.policy.allowGaps = true }.totals.exitStatus == 0)
    }

    @Test func deletingTheNewestDigestsWithTheirLogsIsAnUncoveredEnd() throws {
        let scenario = try TrailScenario("truncated-end") { $0.hours = 10 }
        defer { scenario.scratch.remove() }
        for digest in scenario.digests.suffix(3) {
            try scenario.trail.deleteObject(digest.key)
            for key in digest.logKeys { try scenario.trail.deleteObject(key) }
        }
        let end = scenario.digests[9].endTime
        let report = try scenario.verify { $0.start = scenario.digests[0].startTime; $0.end = end }
        let gap = try #require(report.gaps.first { $0.kind == .uncoveredEnd })
        #expect(gap.span.start == scenario.digests[6].endTime)
        #expect(gap.span.end == end)
        #expect(report.totals.exitStatus == 1)
    }

    /// Digests end a little more than an hour apart (seconds each hour): the one covering --end
    /// may end just over an hour after it. It is in scope, so an untouched trail's coverage
    /// reaches the end; deleted with its log files, the end is uncovered still.
    @Test(arguments: [3 as UInt64, 10, 17, 42])
    func theDigestCoveringTheEndIsInScopeThoughItEndsJustOverAnHourAfterIt(_ seed: UInt64) throws {
        let scenario = try TrailScenario("end-drift-\(seed)") { $0.hours = 10; $0.seed = seed; $0.regions = ["us-east-1", "eu-west-1"] }
        defer { scenario.scratch.remove() }
        // In some chain, a digest whose successor ends more than an hour and a second after it.
        let found = Set(scenario.digests.map(\.chain)).sorted().lazy.compactMap { chain -> [GeneratedDigest]? in
            let digests = scenario.digests.filter { $0.chain == chain }
            guard let index = digests.indices.dropLast().first(where: {
                digests[$0 + 1].endTime.secondsSinceEpoch - digests[$0].endTime.secondsSinceEpoch > 3601
            }) else { return nil }
            return [digests[index], digests[index + 1]]
        }.first
        let pair = try #require(found, "the generator's digests drift past the hour")
        let (before, covering) = (pair[0], pair[1])
        let end = before.endTime.adding(seconds: 1)
        #expect(covering.endTime > end.adding(seconds: 3600) && covering.endTime <= end.adding(seconds: RunScope.digestReachAfterEnd))
        let report = try scenario.verify { $0.listEveryValidRecord(); $0.end = end }
        #expect(report.gaps.isEmpty, "\(report.gaps.map(\.detail))")
        #expect(report.totals.exitStatus == 0)
        #expect(report.digests.contains { $0.key == covering.key && $0.verdict == .valid })

        try scenario.trail.deleteObject(covering.key)
        for key in covering.logKeys { try scenario.trail.deleteObject(key) }
        let deleted = try scenario.verify { $0.end = end }
        let gap = try #require(deleted.gaps.first { $0.kind == .uncoveredEnd })
        #expect(gap.span == TimeSpan(start: before.endTime, end: end))
        #expect(deleted.totals.exitStatus == 1)
    }

    /// A log file delivered inside the window is judged whatever digest comes next: with the
    /// digest of its hour deleted and the next one beyond the window's reach, it is unreferenced
    /// (a finding even where gaps are allowed), never "outside the requested window". A log
    /// file planted there is found.
    @Test(arguments: [(seed: UInt64(3), deleted: 3), (seed: 12, deleted: 2), (seed: 27, deleted: 5)])
    func aLogFileInsideTheWindowIsJudgedThoughTheDigestsAfterItAreGone(_ shape: (seed: UInt64, deleted: Int)) throws {
        let scenario = try TrailScenario("window-inside-\(shape.seed)") { $0.seed = shape.seed; $0.hours = 8; $0.logFilesPerHour = 2...3 }
        defer { scenario.scratch.remove() }
        let deleted = scenario.digests[shape.deleted]
        try scenario.trail.deleteObject(deleted.key)
        let planted = try scenario.trail.plantLogFile(at: deleted.startTime.adding(seconds: 1200), seed: shape.seed)
        // The window ends 10 minutes before the deleted digest: its successor ends beyond the reach.
        let (start, end) = (scenario.digests[shape.deleted - 1].startTime, deleted.endTime.adding(seconds: -600))
        for allowGaps in [false, true] {
            let report = try scenario.verify { request in
                request.start = start
                request.end = end
                request.policy.allowGaps = allowGaps
                request.listEveryValidRecord()
            }
            #expect(report.totals.exitStatus == 1, "allow gaps \(allowGaps)")
            #expect(report.logFiles.first { $0.key.sameBytes(as: planted) }?.verdict == .unreferenced, "\(report.logFiles)")
            // Every log file delivered in the window has its record.
            let inside = scenario.trail.logFiles.filter { file in
                TrailObjectKey.locationAndTime(ofKey: file.key).map { start <= $0.time && $0.time <= end } ?? false
            }
            for file in inside { #expect(report.logFiles.contains { $0.key.sameBytes(as: file.key) }, "\(file.key)") }
            #expect(!inside.isEmpty)
        }
    }

    @Test func coverageStartingLateIsAnUncoveredStart() throws {
        let scenario = try TrailScenario("late-start") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let start = scenario.digests[0].startTime.adding(seconds: -5 * 3600)
        let report = try scenario.verify { $0.start = start; $0.end = scenario.digests[3].endTime }
        let gap = try #require(report.gaps.first { $0.kind == .uncoveredStart })
        #expect(gap.span == TimeSpan(start: start, end: scenario.digests[0].startTime))
    }

    @Test func theScopeTakesDigestsEndingFromStartToEndPlusAnHour() throws {
        let scenario = try TrailScenario("scope") { $0.hours = 12; $0.metadataSidecars = .none }
        defer { scenario.scratch.remove() }
        let start = scenario.digests[3].endTime.adding(seconds: -10)
        let end = scenario.digests[6].endTime.adding(seconds: -3600)
        let report = try scenario.verify { $0.listEveryValidRecord(); $0.start = start; $0.end = end }
        #expect(report.digests.compactMap(\.key) == scenario.digests[3...6].map(\.key))
        // The newest in scope is signed by its successor outside the scope: still valid.
        #expect(report.totals.exitStatus == 0)
        #expect(report.digests.allSatisfy { $0.signatureSource == .successorDigest })
        let scopedLogs = Set(scenario.digests[3...6].flatMap(\.logKeys))
        #expect(Set(report.logFiles.filter { $0.digest != nil }.map(\.key)) == scopedLogs)
    }

    @Test func theLinkAtTheScopesEdgeIsStillChecked() throws {
        let scenario = try TrailScenario("edge-link") { $0.hours = 8 }
        defer { scenario.scratch.remove() }
        try scenario.trail.deleteObject(scenario.digests[2].key)
        let report = try scenario.verify { $0.start = scenario.digests[3].endTime; $0.end = scenario.digests[6].endTime }
        let missing = report.digests.filter { $0.verdict == .missing }
        #expect(missing.compactMap(\.key) == [scenario.digests[2].key])
    }

    @Test func aTrailWithNothingInTheWindowIsOneUncoveredGap() throws {
        let scenario = try TrailScenario("empty-window") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let start = scenario.digests[2].endTime.adding(seconds: 10 * 86_400)
        let report = try scenario.verify { $0.start = start; $0.end = start.adding(seconds: 86_400) }
        #expect(report.totals.digests == 0)
        #expect(report.gaps.count == 1)
        #expect(report.totals.exitStatus == 1)
    }
}

extension CoverageTests {
    @Test func aMalformedPredecessorJustOutsideTheScopeBreaksTheEdgeLink() throws {
        let scenario = try TrailScenario("edge-malformed") { $0.hours = 8 }
        defer { scenario.scratch.remove() }
        try scenario.trail.overwriteObject(scenario.digests[2].key, with: Array("garbage".utf8))
        let report = try scenario.verify { $0.start = scenario.digests[3].endTime; $0.end = scenario.digests[6].endTime }
        let record = try #require(scenario.digest(key: scenario.digests[3].key, in: report))
        #expect(record.verdict == .hashLinkBroken)
        #expect(report.totals.exitStatus == 1)
    }
}
