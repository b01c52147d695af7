import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// With --start, the S3 listing starts each trail folder at the window's day (start-after) and
/// the verdicts are those of a full local run with the same window, on each S3 server.
@Suite struct WindowedListingTests {
    @Test(.enabled(if: S3TestServers.available, "run through scripts/test, which starts the servers"), arguments: S3Server.allCases)
    func aWindowSkipsOlderDateFoldersAndKeepsEveryVerdict(on server: S3Server) throws {
        let trail = try S3Trail("window", on: server) { spec in
            spec.hours = 80
            spec.logFilesPerHour = 1...2
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2"]
            spec.organizationID = "o-window1234"
            spec.keyPrefix = "security/ct"
            spec.stopLogging = (afterHour: 60, hours: 2)
        }
        defer { trail.remove() }
        try trail.trail.deleteObject(trail.digests[50].key)
        try trail.upload()
        try trail.registerKeys()
        let start = trail.digests[48].endTime
        let end = trail.digests[70].endTime
        let local = try trail.verifyLocally { $0.start = start; $0.end = end }
        let remote = try trail.verifyInS3 { $0.start = start; $0.end = end }
        #expect(remote.digests.map { "\($0.key ?? "-") \($0.verdict)" } == local.digests.map { "\($0.key ?? "-") \($0.verdict)" })
        #expect(remote.logFiles.map { "\($0.key) \($0.verdict)" } == local.logFiles.map { "\($0.key) \($0.verdict)" })
        #expect(remote.gaps.map(\.span) == local.gaps.map(\.span))
        #expect(remote.digests.contains { $0.verdict == .missing && $0.key == trail.digests[50].key })
        // Each location cut into its days, each day folder listed on its own from the window's
        // day on: the same verdicts (the log files the deleted digest listed are still found).
        let cut = try trail.verifyInS3(keys: .keyFile) { $0.start = start; $0.end = end; $0.policy.batchObjectLimit = 1 }
        #expect(cut.logFiles.map { "\($0.key) \($0.verdict)" } == local.logFiles.map { "\($0.key) \($0.verdict)" })
        #expect(cut.digests.map { "\($0.key ?? "-") \($0.verdict)" } == local.digests.map { "\($0.key ?? "-") \($0.verdict)" })
        #expect(local.logFiles.contains { $0.verdict == .unreferenced })

        let store = S3Store(bucket: trail.bucket, prefix: "", client: S3Client(http: AWSHTTPClient(environment: trail.awsEnvironment())),
                            listFrom: start.adding(seconds: -S3Store.listingMargin))
        let listed = try store.listKeys()
        let firstDay = start.adding(seconds: -S3Store.listingMargin).keyDatePath
        let days = Set(listed.compactMap { key -> String? in
            switch TrailObjectKey(key) {
            case .digest(let name): return name.endTime.keyDatePath
            case .logFile(let name): return name.deliveryMinute.keyDatePath
            case nil: return nil
            }
        })
        #expect(!listed.isEmpty)
        #expect(days.allSatisfy { $0 >= firstDay }, "\(days.sorted())")
        // Every object from the first day on, that day's included (SeaweedFS skipped it when
        // start-after named the date folder without its last "/").
        let fromFirstDay = (trail.trail.digests.map(\.key) + trail.trail.logFiles.map(\.key)).filter { key in
            guard FileManager.default.fileExists(atPath: trail.trail.path(of: key)) else { return false }
            switch TrailObjectKey(key) {
            case .digest(let name): return name.endTime.keyDatePath >= firstDay
            case .logFile(let name): return name.deliveryMinute.keyDatePath >= firstDay
            case nil: return false
            }
        }
        #expect(Set(listed.map { ObjectKey($0) }) == Set(fromFirstDay.map { ObjectKey($0) }), "\(listed.count) listed, \(fromFirstDay.count) expected")
        #expect(days.contains(firstDay))
        #expect(days.count < Set(trail.trail.digests.map(\.endTime.keyDatePath)).count)
        // A date folder before the window's first day is not listed; one from it on is, whole.
        let logFolder = try #require(trail.trail.logFiles.first.map { String($0.key[..<($0.key.lastIndex(of: "/") ?? $0.key.endIndex)]) + "/" })
        let folderDay = String(logFolder.split(separator: "/").suffix(3).joined(separator: "/"))
        let inFolder = trail.trail.logFiles.filter { $0.key.hasPrefix(logFolder) }.count
        #expect(try store.listKeys(under: logFolder).count == (folderDay < firstDay ? 0 : inFolder))
        let lastFolder = try #require(trail.trail.logFiles.last.map { String($0.key[..<($0.key.lastIndex(of: "/") ?? $0.key.endIndex)]) + "/" })
        #expect(try store.listKeys(under: lastFolder).count == trail.trail.logFiles.filter { $0.key.hasPrefix(lastFolder) }.count)
    }
}
