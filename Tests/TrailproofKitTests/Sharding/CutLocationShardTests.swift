import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The shards of a location cut by date folder each verify its digests whole, but only the one
/// holding its first slice reports them. A bucket writer who hides, moves or swaps a digest only
/// while another slice's shard runs must not get a merge that passes a modified log file the
/// digest lists: `merge` refuses shards that saw different digests (`CutLocationDigests`).
@Suite struct CutLocationShardTests {
    /// What the bucket's writer does to the digest while one shard runs (undone after it).
    enum Swap: String, CaseIterable, Sendable {
        /// The digest and the log file it lists are out of the bucket.
        case hiddenWithItsLogFile
        /// The digest is renamed a second later, in its own folder.
        case renamed
        /// The digest's bytes are another genuine digest's.
        case replacedByAnotherDigest
    }

    static func scenario(seed: UInt64) throws -> TrailScenario {
        try TrailScenario("cut-shards-\(seed)") { spec in
            spec.seed = seed
            spec.hours = 54
            spec.logFilesPerHour = 1...2
            spec.eventsPerLogFile = 1...2
        }
    }

    static func shard(_ scenario: TrailScenario, _ index: Int, of count: Int,
                      configure: (inout RunRequest) throws -> Void = { _ in }) throws -> VerificationReport {
        try scenario.verify {
            $0.policy.batchObjectLimit = 1  // each day of the location a slice
            $0.policy.workers = 2
            $0.shard = Shard(index: index, count: count)
            $0.runID = "run-1"
            try configure(&$0)
        }
    }

    /// The date folder (`YYYY/MM/DD`) of a log file's key.
    static func dateFolder(of key: String) -> String {
        key.split(separator: "/").dropLast().suffix(3).joined(separator: "/")
    }

    /// Takes `keys` out of the trail while `body` runs, then puts them back.
    static func hiding<T>(_ keys: [String], in scenario: TrailScenario, during body: () throws -> T) throws -> T {
        var saved: [(path: String, bytes: [UInt8])] = []
        for key in keys {
            for path in [scenario.trail.path(of: key), scenario.trail.path(of: key) + SavedSignature.sidecarSuffix] {
                guard let bytes = try? LocalFile.readAll(path, limit: 1 << 30) else { continue }
                saved.append((path, bytes))
                try LocalFile.remove(path)
            }
        }
        defer { for file in saved { try? LocalFile.write(file.bytes, to: file.path) } }
        return try body()
    }

    @Test(arguments: Swap.allCases, [(seed: UInt64(3), shards: 2), (seed: 17, shards: 3)])
    func aDigestSwappedWhileAnotherSliceIsVerifiedMakesTheMergeRefuse(_ swap: Swap, _ run: (seed: UInt64, shards: Int)) throws {
        let scenario = try Self.scenario(seed: run.seed)
        defer { scenario.scratch.remove() }
        // A digest of the second day whose log files are all of that day, one of them modified.
        let days = scenario.digests.map { $0.endTime.keyDatePath }
        let secondDay = try #require(days.first { !$0.sameBytes(as: days[0]) })
        let target = try #require(scenario.trail.primaryDigestsWithLogs.first { digest in
            digest.endTime.keyDatePath.sameBytes(as: secondDay) && digest.logKeys.allSatisfy { Self.dateFolder(of: $0).sameBytes(as: secondDay) }
        })
        try scenario.trail.modifyLogFile(target.logKeys[0])
        let single = try scenario.verify { $0.policy.batchObjectLimit = 1 }
        #expect(single.totals.exitStatus == 1 && single.logFiles.contains { $0.key.sameBytes(as: target.logKeys[0]) && $0.verdict == .modified })

        let honest = try (0..<run.shards).map { try Self.shard(scenario, $0, of: run.shards) }
        #expect(try ReportMerge.merge(honest).totals.exitStatus == 1)
        // Every shard holding a slice says what it saw, and all saw the same.
        let seen = honest.compactMap { $0.shard?.cutLocations }
        #expect(seen.count == run.shards && seen.allSatisfy { $0 == seen[0] && $0.count == 1 }, "\(seen)")
        #expect(seen.first?.first?.digests == scenario.digests.count)
        // The shard that hashes the second day's log files, which is not the one reporting digests.
        let owner = try #require(honest.firstIndex { report in
            (report.shard?.locations ?? []).contains { $0.utf8.reversed().starts(with: "#\(secondDay)..\(secondDay)".utf8.reversed()) }
        })
        #expect(owner != 0)

        var swapped = honest
        swapped[owner] = try {
            switch swap {
            case .hiddenWithItsLogFile:
                return try Self.hiding([target.key] + target.logKeys, in: scenario) { try Self.shard(scenario, owner, of: run.shards) }
            case .renamed:
                let renamed = target.key.replacingOccurrences(of: target.endTime.compact(withSeconds: true),
                                                              with: target.endTime.adding(seconds: 1).compact(withSeconds: true))
                try scenario.trail.moveObject(target.key, to: renamed)
                defer { try? scenario.trail.moveObject(renamed, to: target.key) }
                return try Self.shard(scenario, owner, of: run.shards)
            case .replacedByAnotherDigest:
                let path = scenario.trail.path(of: target.key)
                let original = try LocalFile.readAll(path, limit: 1 << 24)
                let other = try #require(scenario.digests.first { !$0.key.sameBytes(as: target.key) })
                try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: other.key), limit: 1 << 24), to: path)
                defer { try? LocalFile.write(original, to: path) }
                return try Self.shard(scenario, owner, of: run.shards)
            }
        }()
        #expect(swapped[owner].shard?.cutLocations != honest[owner].shard?.cutLocations)
        // Read back from JSON, as `trailproof merge` reads shard reports.
        let decoded = try swapped.map { try JSONReport.decode(try JSONReport.encode($0)) }
        #expect(decoded[owner].shard?.cutLocations == swapped[owner].shard?.cutLocations)
        #expect {
            try ReportMerge.merge(decoded)
        } throws: { error in
            "\(error)".contains("digests of ")
        }
    }

    /// A shard report that verified a slice of a cut location but does not say which digests it
    /// saw there (edited, or of a version before `cutLocations`) is refused, as is one whose
    /// record of them was edited.
    @Test func aShardSilentOrEditedAboutACutLocationsDigestsIsRefused() throws {
        let scenario = try Self.scenario(seed: 5)
        defer { scenario.scratch.remove() }
        let honest = try (0..<2).map { try Self.shard(scenario, $0, of: 2) }
        #expect(throws: Never.self) { try ReportMerge.merge(honest) }
        var silent = honest
        silent[1].shard?.cutLocations = nil
        #expect(throws: MergeError.self) { try ReportMerge.merge(silent) }
        var edited = honest
        edited[1].shard?.cutLocations?[0].fingerprint = String(repeating: "0", count: 64)
        #expect(throws: MergeError.self) { try ReportMerge.merge(edited) }
        var miscounted = honest
        miscounted[0].shard?.cutLocations?[0].digests = 1 << 62
        #expect(throws: MergeError.self) { try ReportMerge.merge(miscounted) }
    }

    /// In a live bucket, digests ending within the delivery deadline before the planned
    /// reference time may honestly reach one shard and not another: they are left out of the
    /// comparison. An older digest one shard did not see still makes the merge refuse.
    @Test(arguments: [false, true])
    func aLiveTrailsNewestDigestsMayDifferBetweenShards(_ older: Bool) throws {
        let scenario = try Self.scenario(seed: 11)
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last)
        let reference = newest.endTime.adding(seconds: 1800)
        let live = { (request: inout RunRequest) in
            try request.live(at: reference.adding(seconds: 60))
            request.referenceTime = reference
        }
        let honest = try (0..<2).map { try Self.shard(scenario, $0, of: 2, configure: live) }
        #expect(throws: Never.self) { try ReportMerge.merge(honest) }
        // Shard 1 runs as if the newest digest (ending 30 min before the reference time) or one
        // a day older had not been delivered yet.
        let hidden = older ? scenario.digests[scenario.digests.count - 25] : newest
        var late = honest
        late[1] = try Self.hiding([hidden.key], in: scenario) { try Self.shard(scenario, 1, of: 2, configure: live) }
        // The newest digests are left out of what every shard records.
        let compared = try #require(honest[1].shard?.cutLocations?.first?.digests)
        #expect(compared == scenario.digests.filter { $0.endTime <= reference.adding(seconds: -VerificationOptions.digestDeliveryDeadline) }.count)
        #expect(compared < scenario.digests.count)
        #expect(late[1].shard?.cutLocations?.first?.digests == compared - (older ? 1 : 0))
        if older {
            #expect(throws: MergeError.self) { try ReportMerge.merge(late) }
        } else {
            #expect(throws: Never.self) { try ReportMerge.merge(late) }
        }
    }
}
