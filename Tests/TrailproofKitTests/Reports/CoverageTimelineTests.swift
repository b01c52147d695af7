import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// The HTML timeline shows the worst state of everything in an hour: digests and log files.
@Suite struct CoverageTimelineTests {
    static func hourCell(of time: UTCTime, in timeline: CoverageTimeline) -> CoverageTimeline.State {
        timeline.cells[Int((time.secondsSinceEpoch - timeline.start.secondsSinceEpoch) / 3600) / timeline.hoursPerCell]
    }

    @Test func anHourWithAModifiedOrMissingLogFileIsNotGreen() throws {
        let scenario = try TrailScenario("timeline-logs") { $0.hours = 6 }
        defer { scenario.scratch.remove() }
        let listed = scenario.trail.logFiles.filter { $0.digestKey != nil }
        let modified = listed[1].key, deleted = listed[listed.count - 2].key
        try scenario.trail.modifyLogFile(modified)
        try scenario.trail.deleteObject(deleted)
        let report = try scenario.verify { $0.policy.listsValidDigests = true }  // as the CLI does for an HTML report
        #expect(report.failingDigests.isEmpty, "every digest is valid: only log files were touched")
        let timeline = CoverageTimeline(chain: report.chains[0], report: report)
        let modifiedTime = try #require(scenario.logFile(modified, in: report)?.time)
        let deletedTime = try #require(scenario.logFile(deleted, in: report)?.time)
        #expect(Self.hourCell(of: modifiedTime, in: timeline) == .logModified)
        #expect(Self.hourCell(of: deletedTime, in: timeline) == .logMissing)
        #expect(timeline.cells.contains(.verified), "the other hours stay verified")
        // The marks under the timeline and the hover titles name the objects.
        #expect(timeline.marks.contains { $0.state == .logModified && $0.label == "log-file modified \(modified)" })
        #expect(timeline.marks.contains { $0.state == .logMissing && $0.label == "log-file missing \(deleted)" })
        let svg = TimelineSVG.render(timeline)
        #expect(svg.contains("<rect class=\"s\(CoverageTimeline.State.logModified.rawValue)\""))
        #expect(svg.contains(Markup.xml("log-file modified \(modified)") + "</title></rect>"))
        let html = String(decoding: HTMLReport.render(report, run: ReportCountsTests.run), as: UTF8.self)
        #expect(html.contains("<b>modified log file</b>"), "listed under the timeline")
    }

    @Test func theWorstStateWinsAndEveryStateHasALegendEntryAndAColour() {
        // Worst first: a failed digest, then tampered log files, missing objects, gaps, planted and unproven ones.
        let order: [CoverageTimeline.State] = [.invalid, .logModified, .missing, .logMissing, .gap, .logUnreferenced, .logUnverified,
                                                .notVerifiable, .notYetCovered, .verified, .none]
        #expect(CoverageTimeline.State.byRank == order)
        let legend = HTMLReport.legend
        for state in CoverageTimeline.State.allCases {
            #expect(legend.contains("<span class=\"swatch s\(state.rawValue)\"></span>\(state.label) "), "\(state)")
            #expect(HTMLReport.stylesheet.contains(".s\(state.rawValue){background:\(TimelineSVG.color(state))}"), "\(state)")
        }
    }

    @Test func logFilesOfAnotherRegionStayOnTheirOwnChain() throws {
        let scenario = try TrailScenario("timeline-regions") { $0.hours = 4; $0.regions = ["us-east-1", "eu-west-2"] }
        defer { scenario.scratch.remove() }
        let target = try #require(scenario.trail.logFiles.first { $0.digestKey != nil && $0.key.contains("/CloudTrail/eu-west-2/") }).key
        try scenario.trail.modifyLogFile(target)
        let report = try scenario.verify { $0.policy.listsValidDigests = true }  // as the CLI does for an HTML report
        for chain in report.chains {
            let timeline = CoverageTimeline(chain: chain, report: report)
            #expect(timeline.cells.contains(.logModified) == (chain.chain.location.region == "eu-west-2"), "\(chain.id)")
        }
    }
}
