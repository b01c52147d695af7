import Foundation
import Testing
import TrailproofTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A run over S3 (128 transfers, each on a thread) starts again with glibc's per-thread caches
/// off (`GLIBC_TUNABLES`), as the same process; a run over a directory does not, and a cache
/// setting of the user's own is kept.
@Suite struct ThreadCacheRestartTests {
    /// The environment block of the running process `pid` as the kernel holds it (after any
    /// exec), one entry a line. glibc cuts GLIBC_TUNABLES at each ':' in place (a NUL), so each
    /// setting shows as a line of its own.
    private func environmentLines(of pid: pid_t) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True once the process `pid` holds a socket: it went on to its first request (a restart
    /// that repeated itself would never get there; it starts again before any connection).
    private func holdsASocket(_ pid: pid_t) -> Bool {
        let folder = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return descriptors.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0))?.hasPrefix("socket:") == true }
    }

    /// Starts `trailproof ARGUMENTS` against S3 and CloudTrail endpoints that never answer
    /// (`hostile-s3.py silent`) and returns its environment's lines once it shows a thread cache
    /// setting and has connected (or after ten seconds), the run still going; with
    /// `connecting`, expects that it connected.
    private func environmentLines(of arguments: [String], with environment: [String: String?], connecting: Bool = true) throws -> [String] {
        let silent = try HostileS3("silent")
        var merged: [String: String?] = ["AWS_ENDPOINT_URL_S3": silent.url, "AWS_ENDPOINT_URL_CLOUDTRAIL": silent.url,
                                         "AWS_PROFILE": nil, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                                         "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null",
                                         "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
        for (name, value) in environment { merged[name] = value }
        let process = try ProcessRunner.start(try #require(TrailproofBinary.path), arguments, environment: merged)
        defer { process.kill() }
        var lines: [String] = []
        var connected = false
        for _ in 0..<100 {
            lines = environmentLines(of: process.processIdentifier)
            connected = holdsASocket(process.processIdentifier)
            if lines.contains(where: { $0.contains("glibc.malloc.tcache_count=") }) && connected || !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(process.isRunning, "still waiting (on the endpoint or the key file): \(process.standardErrorSoFar)")
        if connecting { #expect(connected, "started again once, then on to its first request") }
        return lines
    }

    private func cacheSettings(_ lines: [String]) -> [String] {
        lines.compactMap { line in line.range(of: "glibc.malloc.tcache_count=").map { String(line[$0.lowerBound...]) } }
    }

    @Test func aRunOverS3RestartsWithThreadCachesOffKeepingOtherTunables() throws {
        let plain = try environmentLines(of: ["verify", "s3://silent-bucket"], with: ["GLIBC_TUNABLES": nil])
        #expect(cacheSettings(plain) == ["glibc.malloc.tcache_count=0"])
        let other = try environmentLines(of: ["verify", "s3://silent-bucket"], with: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=3"])
        #expect(cacheSettings(other) == ["glibc.malloc.tcache_count=0"])
        #expect(other.contains("GLIBC_TUNABLES=glibc.malloc.arena_max=3"), "the user's other setting kept: \(other)")
        let own = try environmentLines(of: ["verify", "s3://silent-bucket"],
                                       with: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=5"])
        #expect(cacheSettings(own) == ["glibc.malloc.tcache_count=5"], "the user's own setting wins")
    }

    @Test func aTrailNamedByARNIsARunOverS3() throws {
        let lines = try environmentLines(of: ["verify", "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"],
                                         with: ["GLIBC_TUNABLES": nil])
        #expect(cacheSettings(lines) == ["glibc.malloc.tcache_count=0"])
    }

    @Test func aRunOverADirectoryKeepsTheCaches() throws {
        // Its key file is a FIFO that nobody writes: the run waits on it, so its environment
        // can be read while it runs.
        let scratch = NSTemporaryDirectory() + "trailproof-tcache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let fifo = scratch + "/keys.json"
        #expect(mkfifo(fifo, 0o600) == 0)
        let lines = try environmentLines(of: ["verify", scratch, "--public-keys", fifo], with: ["GLIBC_TUNABLES": nil], connecting: false)
        #expect(!lines.isEmpty)
        #expect(cacheSettings(lines).isEmpty, "\(lines)")
    }
}
