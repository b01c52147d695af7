import Glibc
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `RunPlan.listed`: which log files the plan's listing holds (what an archive may still fetch for
/// its edge digests), answered from the spilled listing, or by listing the folder again, the same.
@Suite struct RunPlanListingTests {
    /// A trail of 30 hours in two regions, one to three log files an hour.
    static func twoRegions(_ label: String, seed: UInt64) throws -> TrailScenario {
        try TrailScenario(label) { spec in
            spec.seed = seed
            spec.hours = 30
            spec.logFilesPerHour = 1...3
            spec.regions = ["us-east-1", "eu-west-2"]
        }
    }

    @Test func theListingHoldsExactlyThePresentLogFilesByTheirBytes() throws {
        let scenario = try RunPlanListingTests.twoRegions("listed", seed: 211)
        defer { scenario.scratch.remove() }
        let logKeys = scenario.digests.flatMap(\.logKeys)
        #expect(logKeys.count > 20)
        let deleted = logKeys[logKeys.count / 2]
        try LocalFile.remove(scenario.trail.root + "/" + deleted)
        let present = logKeys.filter { !$0.sameBytes(as: deleted) }

        // Asked besides: a digest (not a log file), a log file no one wrote, and a present key
        // with one letter replaced by a canonically equivalent one (K by the Kelvin sign: equal
        // as Swift strings, other bytes).
        let digest = scenario.digests[1].key
        let invented = String(present[0].dropLast(".json.gz".count)) + "x.json.gz"
        let lookalike = try #require(present.first { $0.contains("K") })
        let kelvin = String(lookalike.unicodeScalars.map { $0 == "K" ? "\u{212A}" : Character($0) })
        #expect(kelvin == lookalike && !kelvin.sameBytes(as: lookalike), "the lookalike is a canonical equivalent")
        let asked = logKeys + [digest, invented, kelvin]

        let plan = try scenario.plan()
        let survey = try #require(plan.survey)
        #expect(survey.spill != nil)
        let relisted = try ListingSurvey(store: plan.store, selection: plan.scope.trailSelection, scope: plan.scope, spillingTo: nil)
        let withoutSpill = RunPlan(store: plan.store, trust: plan.trust, scope: plan.scope, policy: plan.policy,
                                   request: plan.request, survey: relisted)
        for (label, candidate) in [("spilled", plan), ("listed again", withoutSpill)] {
            let listed = try candidate.listed(asked)
            #expect(listed == Set(present.map { ObjectKey($0) }), "\(label)")
            #expect(!listed.contains(ObjectKey(deleted)) && !listed.contains(ObjectKey(kelvin)), "\(label)")
        }
    }
}

/// The spill is a convenience, never a source of truth: a disk that refuses it means listing again.
@Suite struct ListingSpillFallbackTests {
    /// A writer on /dev/full: every write fails with ENOSPC, as on a full disk.
    static func fullDisk() throws -> ListingSpill.Writer {
        let descriptor = open("/dev/full", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.fetchFailed("cannot open /dev/full") }
        return ListingSpill.Writer(descriptor: descriptor)
    }

    @Test func aFullDiskMeansListingAgainWithTheSameReport() throws {
        let scenario = try RunPlanListingTests.twoRegions("full-disk", seed: 213)
        defer { scenario.scratch.remove() }
        try LocalFile.remove(scenario.trail.root + "/" + scenario.digests.flatMap(\.logKeys)[5])
        let plan = try scenario.plan { $0.policy.batchObjectLimit = 25 }
        #expect(plan.survey?.spill != nil)
        let refused = try ListingSurvey(store: plan.store, selection: plan.scope.trailSelection, scope: plan.scope, spillingTo: Self.fullDisk)
        #expect(refused.spill == nil, "a spill the disk refused is not used")
        #expect(refused.logFileCount == plan.survey?.logFileCount)
        let listingAgain = RunPlan(store: plan.store, trust: plan.trust, scope: plan.scope, policy: plan.policy,
                                   request: plan.request, survey: refused)
        let expected = try JSONReport.encode(try TrailVerifier(plan: plan).run())
        let report = try TrailVerifier(plan: listingAgain).run()
        #expect(report.totals.exitStatus == 1 && report.logFiles.contains { $0.verdict == .missing })
        #expect(try JSONReport.encode(report) == expected)
    }
}

/// A log file's record in the spill holds the minute the survey parsed from its name, so that a
/// cut location's groups are read back without parsing again: what comes back must be exactly
/// what parsing the keys gives, byte for byte, and a damaged file must stop the run.
@Suite struct ListingSpillRecordTests {
    /// Log file keys of one location and day, a few spelled with canonically equivalent (but
    /// byte-distinct) prefixes, each in the folder of its own minute.
    static func keys(seed: UInt64) -> [String] {
        var random = SeededGenerator(seed: seed)
        let prefixes = ["caf\u{E9}", "cafe\u{301}", "K", "\u{212A}"]
        return (0..<40).map { index in
            let minute = Int.random(in: 0..<1440, using: &random)
            let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
            let time = "20260108T\(two(minute / 60))\(two(minute % 60))Z"
            let unique = String((0..<16).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &random)! })
            let prefix = prefixes[index % prefixes.count]
            return "\(prefix)/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/111122223333_CloudTrail_us-east-1_\(time)_\(unique).json.gz"
        }
    }

    @Test(arguments: [301 as UInt64, 302, 303])
    func logFilesComeBackAsParsingTheirKeysNamesThem(seed: UInt64) throws {
        let keys = Self.keys(seed: seed)
        var writer = try ListingSpill.Writer()
        var block = ListingSpill.Block()
        var expected: [TrailLocation: [LogFileKeyName]] = [:]
        for key in keys {
            guard case .logFile(let name)? = TrailObjectKey(key) else { Issue.record("\(key) does not parse"); return }
            block.add(key, at: .init(location: name.location, logFileDay: "2026/01/08"), minute: name.deliveryMinute)
            expected[name.location, default: []].append(name)
        }
        try writer.append(block)
        let spill = try writer.finish()
        #expect(expected.count == 4, "four byte-distinct prefixes, four locations")
        for (location, names) in expected {
            let back = try spill.logFiles(of: location, days: ["2026/01/08"])
            #expect(back.map { Array($0.key.utf8) } == names.map { Array($0.key.utf8) })
            #expect(back.map(\.deliveryMinute) == names.map(\.deliveryMinute))
            #expect(back.allSatisfy { $0.location == location })
            // Read as a batch of the location: the same names, in the order verification takes them.
            let inventory = TrailInventory(logFiles: back, of: location)
            let parsed = TrailInventory(keys: names.map(\.key)).logFilesByLocation[location] ?? []
            #expect(inventory.logFilesByLocation[location]?.map { Array($0.key.utf8) } == parsed.map { Array($0.key.utf8) })
            #expect(try spill.keys(of: location, logFileDays: nil).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
                    == names.map { Array($0.key.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(try spill.logFiles(of: location, days: ["2026/01/09"]).isEmpty)
        }
    }

    @Test func aDamagedSpillStopsTheRunRatherThanDroppingKeys() throws {
        let path = "/tmp/trailproof-spill-test-\(getpid())"
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        #expect(descriptor >= 0)
        defer { try? LocalFile.remove(path) }
        var writer = ListingSpill.Writer(descriptor: descriptor)
        let key = Self.keys(seed: 304)[0]
        guard case .logFile(let name)? = TrailObjectKey(key) else { Issue.record("\(key) does not parse"); return }
        var block = ListingSpill.Block()
        for _ in 0..<3 { block.add(key, at: .init(location: name.location, logFileDay: "2026/01/08"), minute: name.deliveryMinute) }
        try writer.append(block)
        let spill = try writer.finish()
        #expect(try spill.logFiles(of: name.location, days: ["2026/01/08"]).count == 3)
        // The third record's length made to say more than the segment holds.
        let record = 4 + 8 + key.utf8.count
        let length: [UInt8] = [0xFF, 0xFF, 0, 0]
        #expect(pwrite(descriptor, length, 4, off_t(2 * record)) == 4)
        #expect(throws: StoreError.self) { try spill.logFiles(of: name.location, days: ["2026/01/08"]) }
    }
}

/// `ListingSurvey.dateFolder(of:)`: the three folders before a key's file name, read from the
/// key's bytes, as splitting the key on "/" gives them.
@Suite struct DateFolderTests {
    @Test func theDateFolderIsTheThreeFoldersBeforeTheFileNameByteForByte() {
        var random = SeededGenerator(seed: 305)
        let parts = ["2026", "01", "08", "caf\u{E9}", "cafe\u{301}", "\u{212A}", "", "a/b", "x"]
        for _ in 0..<500 {
            let key = (0..<Int.random(in: 0...7, using: &random)).map { _ in parts.randomElement(using: &random)! }.joined(separator: "/")
            let pieces = key.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Array.init)
            let expected: [UInt8] = pieces.count < 5 ? [] : Array(pieces[(pieces.count - 4)..<(pieces.count - 1)].joined(separator: [UInt8(ascii: "/")]))
            #expect(Array(ListingSurvey.dateFolder(of: key).utf8) == expected, "\(Array(key.utf8))")
        }
    }
}
