import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A log file larger than the documented limits is an `unreadable` finding, read no further:
/// never a pass, never unbounded work (a gzip bomb on disk, an endless stream of empty members).
@Suite struct LogFileSizeLimitTests {
    @Test func aGzipBombOnDiskIsUnreadableAtTheUncompressedLimit() throws {
        let scenario = try TrailScenario("gzip-bomb")
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        try scenario.trail.overwriteObject(log.key, with: try Gzip.compress(Array(repeating: 0, count: 8 << 20), level: 9))
        let report = try scenario.verify { $0.policy.logFileUncompressedLimit = 1 << 20 }
        let record = try #require(scenario.logFile(log.key, in: report))
        #expect(record.verdict == .unreadable)
        #expect(record.detail == "larger than the 1048576-byte limit (uncompressed)")
        #expect(report.totals.exitStatus == 1)
    }

    @Test func endlessEmptyGzipMembersAreUnreadableAtTheCompressedLimit() throws {
        let scenario = try TrailScenario("empty-members")
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        // Inflates to nothing at all, however long: only the compressed limit stops it.
        let empty = try Gzip.compress([])
        try scenario.trail.overwriteObject(log.key, with: Array((0..<(64 << 10)).lazy.flatMap { _ in empty }))
        let report = try scenario.verify { $0.policy.logFileCompressedLimit = 256 << 10 }
        let record = try #require(scenario.logFile(log.key, in: report))
        #expect(record.verdict == .unreadable)
        #expect(record.detail == "larger than the 262144-byte limit (compressed)")
    }

    @Test func aLogFileExactlyAtBothLimitsIsStillValid() throws {
        let scenario = try TrailScenario("at-limits")
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        let compressed = try LocalFile.readAll(scenario.trail.path(of: log.key), limit: 1 << 26)
        let report = try scenario.verify {
            $0.listEveryValidRecord()
            $0.policy.logFileCompressedLimit = compressed.count
            $0.policy.logFileUncompressedLimit = log.uncompressedBytes
        }
        #expect(scenario.logFile(log.key, in: report)?.verdict == .valid)
        let smaller = try scenario.verify { $0.policy.logFileUncompressedLimit = log.uncompressedBytes - 1 }
        #expect(scenario.logFile(log.key, in: smaller)?.verdict == .unreadable)
    }

    @Test func theDocumentedDefaultIsOneGiBCompressedAndUncompressed() {
        #expect(VerificationOptions().logFileCompressedLimit == 1 << 30)
        #expect(VerificationOptions().logFileUncompressedLimit == 1 << 30)
    }
}
