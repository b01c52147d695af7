import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Times as the AWS CLI takes them (no zone, epoch seconds), a bare --end date that includes
/// its day, the window used printed in every report, and `markdown=+FILE` appending.
@Suite struct TimeWindowTests {
    /// A trail over midnight: digests ending 2026-01-07T22:21 through 2026-01-08T03:21.
    static func trail(_ label: String) throws -> CLITrail {
        try CLITrail(label) {
            $0.start = UTCTime(year: 2026, month: 1, day: 7, hour: 21, minute: 21, second: 42)!
            $0.hours = 6
        }
    }

    @Test(arguments: [["--start", "2026-01-07T21:30:00"], ["--start", "1767821400"], ["--start", "2026-01-07T22:30:00+01:00"]])
    func aBareEndDateIncludesItsDayAndTheWindowIsInEveryReport(_ start: [String]) throws {
        let trail = try Self.trail("window")
        defer { trail.remove() }
        let summary = try trail.writeFile("summary.md", "# an earlier step\n")
        let (html, junit) = (trail.scratch.path + "/r.html", trail.scratch.path + "/r.xml")
        let run = try trail.verify(start + ["--end", "2026-01-07", "--report", "markdown=+" + summary,
                                            "--report", "html=" + html, "--report", "junit=" + junit])
        // Digests ending up to 2026-01-08T01:02:59 (an hour and the 3 minutes a digest's end
        // drifts after the end) are in the window, and cover the whole day.
        #expect(run.status == 0, "\(run)")
        let window = "2026-01-07T21:30:00Z to 2026-01-07T23:59:59Z (digests ending 2026-01-07T21:30:00Z to 2026-01-08T01:02:59Z)"
        #expect(run.stdoutLines.contains("Results requested for " + window), "\(run)")
        let markdown = String(decoding: try LocalFile.readAll(summary, limit: 1 << 20), as: UTF8.self)
        #expect(markdown.hasPrefix("# an earlier step\n\n## trailproof"), "appended, not replaced:\n\(markdown)")
        let markdownWindow = window.replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
        #expect(markdown.contains("Window: " + markdownWindow), "\(markdown)")
        #expect(String(decoding: try LocalFile.readAll(html, limit: 1 << 22), as: UTF8.self).contains(window))
        #expect(String(decoding: try LocalFile.readAll(junit, limit: 1 << 22), as: UTF8.self)
            .contains("<property name=\"window\" value=\"\(window)\"/>"))

        let json = try trail.verify(start + ["--end", "2026-01-07", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let scope = try #require(object["scope"] as? [String: Any])
        #expect(scope["start"] as? String == "2026-01-07T21:30:00Z" && scope["end"] as? String == "2026-01-07T23:59:59Z", "\(scope)")

        // Run again: the summary file grows, as each step of a GitHub job appends to it.
        _ = try trail.verify(start + ["--end", "2026-01-07", "--report", "markdown=+" + summary])
        let twice = String(decoding: try LocalFile.readAll(summary, limit: 1 << 20), as: UTF8.self)
        #expect(twice.components(separatedBy: "## trailproof").count == 3 && twice.hasPrefix("# an earlier step"))
    }

    @Test func onlyMarkdownToAFileCanBeAppended() throws {
        let trail = try CLITrail("append-refused") { $0.hours = 1 }
        defer { trail.remove() }
        for report in ["json=+x.json", "markdown=+-", "markdown=+s3://bucket/key", "markdown=+"] {
            let run = try trail.verify(["--report", report])
            #expect(run.status == 2 && run.stderr.contains("--report"), "\(report): \(run)")
        }
    }
}
