import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// One tampering, on a layout and object drawn from a seed: the finding must name that object.
@Suite struct RandomizedTamperTests {
    enum Tamper: CaseIterable {
        case modifyLog, deleteLog, truncateLog, modifyDigest, deleteDigest, plantLog
        /// A copy of a log file at a key whose bytes differ but whose `String` is equal (class 1).
        case plantAtTwinName
        /// A copy of a log file at a key CloudTrail never writes, in the same folder (class 2).
        case plantAtOddName
    }

    /// Key prefixes with a canonically equivalent twin spelling: (as written, twin).
    static let twinPrefixes = [("caf\u{E9}", "cafe\u{301}"), ("\u{212B}udit/ct", "\u{C5}udit/ct"), ("logs/\u{2126}", "logs/\u{3A9}")]

    @Test(arguments: Array(UInt64(1)...UInt64(32)))
    func theFindingNamesTheTamperedObjectWhateverTheLayout(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let tamper = Tamper.allCases[Int(seed) % Tamper.allCases.count]
        let scenario = try TrailScenario("random-\(seed)") { spec in
            spec.seed = seed
            spec.hours = Int.random(in: 4...9, using: &random)
            spec.accounts = Array(["111122223333", "210987654321", "555566667777"].prefix(Int.random(in: 1...2, using: &random)))
            spec.regions = Array(["us-east-1", "eu-central-2", "ap-south-1", "us-gov-west-1"].shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)))
            spec.keyPrefix = random.pick(["", "ct", "org/security/cloudtrail"] + Self.twinPrefixes.map(\.0))
            if tamper == .plantAtTwinName { spec.keyPrefix = random.pick(Self.twinPrefixes.map(\.0)) }
            spec.organizationID = Bool.random(using: &random) ? "o-\(random.string(10, from: "abcdefghij0123456789"))" : nil
            spec.trailName = random.pick(["management-events", "org_trail_v2", "audit.trail"])
            spec.start = UTCTime(secondsSinceEpoch: 1_760_000_000 + Int64.random(in: 0...90_000_000, using: &random))
            spec.metadataSidecars = random.pick([.all, .newest])
        }
        defer { scenario.scratch.remove() }
        let chains = Dictionary(grouping: scenario.trail.digests.filter { !$0.chain.isBackfill }, by: \.chain)
        let chain = try #require(chains.keys.sorted().randomElement(using: &random))
        let digests = try #require(chains[chain])
        // Not the newest digest: its hour's log files may not be covered by a later one.
        let digest = digests[Int.random(in: 1..<(digests.count - 1), using: &random)]
        let logKey = digest.logKeys.randomElement(using: &random)

        let report: VerificationReport
        switch tamper {
        case .modifyLog, .deleteLog, .truncateLog:
            let key = try #require(logKey)
            switch tamper {
            case .modifyLog: try scenario.trail.modifyLogFile(key)
            case .deleteLog: try scenario.trail.deleteObject(key)
            default: try scenario.trail.truncateObject(key)
            }
            report = try scenario.verify()
            let expected: LogFileVerdict = tamper == .modifyLog ? .modified : tamper == .deleteLog ? .missing : .unreadable
            #expect(report.failingLogFiles.map(\.key) == [key])
            #expect(report.failingLogFiles.first?.verdict == expected)
            #expect(report.failingDigests.isEmpty)
        case .modifyDigest:
            try scenario.trail.modifyDigest(digest.key)
            report = try scenario.verify()
            #expect(report.failingDigests.map(\.key) == [digest.key])
            #expect(report.failingDigests.first?.verdict == .signatureInvalid)
        case .deleteDigest:
            try scenario.trail.deleteObject(digest.key)
            report = try scenario.verify()
            #expect(report.digests.filter { $0.verdict == .missing }.map(\.key) == [digest.key])
            var unreferenced = Set(digest.logKeys)
            if scenario.spec.metadataSidecars == .newest {
                // Without saved signatures the predecessor's only signature was in the deleted digest.
                let index = try #require(digests.firstIndex { $0.key == digest.key })
                let predecessor = digests[index - 1]
                #expect(scenario.digest(key: predecessor.key, in: report)?.verdict == .signatureUnavailable)
                #expect(report.failingDigests.count == 2)
                unreferenced.formUnion(predecessor.logKeys)
            } else {
                #expect(report.failingDigests.count == 1)
            }
            #expect(Set(report.failingLogFiles.map(\.key)) == unreferenced)
        case .plantLog:
            let planted = try plant(in: chain, during: digest, scenario: scenario)
            report = try scenario.verify()
            #expect(report.failingLogFiles.map(\.key) == [planted])
            #expect(report.failingLogFiles.first?.verdict == .unreferenced)
        case .plantAtTwinName, .plantAtOddName:
            let key = try #require(logKey)
            let planted: [UInt8]
            if tamper == .plantAtTwinName {
                let (genuine, twin) = try #require(Self.twinPrefixes.first { $0.0.utf8.elementsEqual(scenario.spec.keyPrefix.utf8) })
                planted = Array((twin + String(decoding: key.utf8.dropFirst(genuine.utf8.count), as: UTF8.self)).utf8)
            } else {
                let folder = Array(key.utf8[..<(key.utf8.lastIndex(of: UInt8(ascii: "/")) ?? key.utf8.startIndex)]) + [UInt8(ascii: "/")]
                let name = Array(key.utf8.split(separator: UInt8(ascii: "/")).last ?? [])
                planted = folder + random.pick([
                    Array(name.dropLast(8)) + [0xFF] + Array(".json.gz".utf8),            // not UTF-8
                    Array(name.dropLast(9)) + Array("\u{212A}.json.gz".utf8),              // KELVIN SIGN
                    Array(name.dropLast(8)) + Array("\\x.json.gz".utf8),                  // a backslash
                    Array(name) + Array(".".utf8),                                        // a trailing dot
                ])
            }
            let parent = planted[..<(planted.lastIndex(of: UInt8(ascii: "/")) ?? 0)]
            try LocalFile.makeDirectories(scenario.trail.root + "/" + String(decoding: parent, as: UTF8.self))
            try OddEntryTests.create(.file, at: planted, under: scenario.trail.root, contents: try scenario.trail.readObject(key))
            report = try scenario.verify()
            let shown = Array(ObjectKey.text(fromBytes: planted).utf8)
            let named = report.failingLogFiles.map { Array($0.key.utf8) } + report.objects.map { Array($0.key.utf8) }
            #expect(named == [shown], "exactly the planted object is named, by its own bytes")
            #expect(report.failingDigests.isEmpty)
            #expect(report.totals.logFilesValid == scenario.trail.logFiles.filter { $0.digestKey != nil }.count)
        }
        #expect(report.totals.exitStatus == 1)
        #expect(report.chains.count == scenario.spec.accounts.count * scenario.spec.regions.count)
        // One set of counts, whatever the tampering: every category adds up, in every format.
        ReportCountsTests.expectCountsAddUp(report)
        #expect(Verdict(report).outcome == .integrityProblems, "tampering is never only \"not verifiable\"")
    }

    private func plant(in chain: ChainID, during digest: GeneratedDigest, scenario: TrailScenario) throws -> String {
        let time = digest.startTime.adding(seconds: 1500)
        let name = "\(chain.location.accountID)_CloudTrail_\(chain.location.region)_\(time.compact(withSeconds: false))_PLANTEDplanted00.json.gz"
        let key = "\(chain.location.accountFolder)CloudTrail/\(chain.location.region)/\(time.keyDatePath)/\(name)"
        try scenario.trail.overwriteObject(key, with: try scenario.trail.readObject(scenario.trail.logFiles[0].key))
        return key
    }
}
