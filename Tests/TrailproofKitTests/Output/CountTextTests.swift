import Testing
@testable import TrailproofKit

/// Counts say `1 log file`, and sizes never round a small archive down to `0 MB`.
@Suite struct CountTextTests {
    @Test func oneIsSingular() {
        #expect(CountText.of(1, "log file") == "1 log file")
        #expect(CountText.of(0, "log file") == "0 log files")
        #expect(CountText.of(2, "object") == "2 objects")
    }

    @Test(arguments: [(Int64(0), "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1_000, "1 KB"), (1_536, "1.5 KB"),
                      (45_300, "45 KB"), (999_999, "999 KB"), (1_000_000, "1 MB"), (2_345_678, "2.3 MB"), (7_000_000_000, "7 GB")])
    func sizesAreNeverZeroForSomething(_ bytes: Int64, _ text: String) {
        #expect(CountText.bytes(bytes) == text)
    }

    @Test func theTextReportSaysOneLogFileInTheSingular() throws {
        let scenario = try TrailScenario("one-log-file") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        _ = try scenario.trail.plantLogFile(at: scenario.digests[1].startTime.adding(seconds: 1200))
        let report = try scenario.verify()
        let summary = TextReport(report, verbose: false).summary
        #expect(summary.contains { $0.hasSuffix(": 1 log file unreferenced") }, "\(summary)")
        #expect(!summary.contains { $0.contains("1 log files") })
    }
}
