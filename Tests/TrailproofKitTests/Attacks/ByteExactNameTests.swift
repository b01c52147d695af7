import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Names are bytes: two keys that are canonically equivalent `String`s (`é` precomposed and
/// `e` + U+0301, `K` and U+212A KELVIN SIGN, U+2126 OHM SIGN and U+03A9) are two objects, in every
/// set, dictionary, sort and comparison of the engine.
@Suite struct ByteExactNameTests {
    /// Pairs of spellings that Swift's `String ==` takes for one.
    static let twins: [(String, String)] = [
        ("caf\u{E9}", "cafe\u{301}"),
        ("\u{C5}ngstr\u{F6}m/logs", "A\u{30A}ngstro\u{308}m/logs"),
        ("\u{2126}-trails", "\u{3A9}-trails"),
        ("audit-K", "audit-\u{212A}"),
    ]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theTwinsAreEqualStringsButDifferentBytes() {
        for (one, other) in Self.twins {
            #expect(one == other, "Swift's String == is canonical equivalence")
            #expect(Self.bytes(one) != Self.bytes(other))
        }
    }

    @Test func twinKeysAreTwoObjectsInSetsDictionariesSortsAndLocations() {
        for (one, other) in Self.twins {
            let keys: Set<ObjectKey> = [ObjectKey(one), ObjectKey(other)]
            #expect(keys.count == 2)
            var counts: [ObjectKey: Int] = [:]
            counts[ObjectKey(one), default: 0] += 1
            counts[ObjectKey(other), default: 0] += 1
            #expect(counts.count == 2)
            #expect(ObjectKey(one) < ObjectKey(other) || ObjectKey(other) < ObjectKey(one))
            #expect(!one.sameBytes(as: other))
            #expect(!(one + "/x").hasBytePrefix(other))
            let locations: Set<TrailLocation> = [
                TrailLocation(keyPrefix: one, organizationID: nil, accountID: "111122223333", region: "us-east-1"),
                TrailLocation(keyPrefix: other, organizationID: nil, accountID: "111122223333", region: "us-east-1"),
            ]
            #expect(locations.count == 2)
        }
        let log = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/111122223333_CloudTrail_us-east-1_20260108T0521Z_abcK.json.gz"
        #expect(TrailObjectKey(log) != nil)
        #expect(TrailObjectKey(log.replacingOccurrences(of: "abcK", with: "abc\u{212A}")) == nil, "U+212A is not a letter CloudTrail writes")
    }

    @Test func sortingIsByBytesAsS3Lists() {
        var generator = SeededGenerator(seed: 7)
        let alphabet = ["a", "K", "\u{212A}", "\u{E9}", "e\u{301}", "/", "_", "\u{10FFFF}", "\u{7F}"]
        for _ in 0..<500 {
            let keys = (0..<8).map { _ in (0..<Int.random(in: 1...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined() }
            let sorted = keys.map { ObjectKey($0) }.sorted().map { Self.bytes($0.text) }
            #expect(sorted == keys.map(Self.bytes).sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test func namesThatAreNotUTF8KeepTheirIdentity() {
        var generator = SeededGenerator(seed: 11)
        var seen: [ObjectKey: [UInt8]] = [:]
        for round in 0..<5_000 {
            let length = Int.random(in: 1...12, using: &generator)
            var name = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 3 == 0 { name = Array("AWSLogs/x".utf8) + name }
            let text = ObjectKey.text(fromBytes: name)
            if !name.contains(0), let valid = String(validating: name, as: UTF8.self) {
                #expect(Self.bytes(text) == Self.bytes(valid), "a UTF-8 name is its own text")
            } else {
                #expect(text.utf8.contains(0), "a name that is not UTF-8 carries the marker no real key has")
            }
            if let before = seen.updateValue(name, forKey: ObjectKey(text)) {
                #expect(before == name, "two byte sequences gave one text: \(before) and \(name)")
            }
        }
        #expect(seen.count > 4_000)
    }

    // MARK: Byte-level name mutations of a real trail

    enum Mutation: CaseIterable {
        /// A copy of a genuine log file at the twin spelling of the key prefix.
        case logAtTwinPrefix
        /// Every digest copied to the twin prefix, and a log file planted in the genuine one.
        case digestsAtTwinPrefixAndAPlantInTheGenuine
        /// Two junk objects in a trail folder whose names are each other's twins.
        case twinJunkInATrailFolder
        /// A copy of a digest at its Kelvin-sign twin key.
        case digestAtKelvinTwin
    }

    @Test(arguments: Array(UInt64(1)...UInt64(16)))
    func aTwinSpellingIsAnotherObjectAndAFinding(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let mutation = Mutation.allCases[Int(seed) % Mutation.allCases.count]
        let (genuine, twin) = {
            let pair = Self.twins[Int.random(in: 0..<3, using: &random)]
            return Bool.random(using: &random) ? pair : (pair.1, pair.0)
        }()
        let scenario = try TrailScenario("twin-\(seed)") { spec in
            spec.seed = seed
            spec.hours = Int.random(in: 4...7, using: &random)
            spec.keyPrefix = genuine
            spec.regions = Array(["us-east-1", "eu-west-2", "ap-south-1"].shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random)))
            spec.trailName = random.pick(["Kestrel-trail", "audit_K", "org.K.trail"])
            spec.metadataSidecars = .all
        }
        defer { scenario.scratch.remove() }
        let trail = scenario.trail
        let twinOf = { (key: String) -> String in twin + String(decoding: key.utf8.dropFirst(genuine.utf8.count), as: UTF8.self) }
        func copy(_ key: String, to newKey: String) throws {
            try LocalFile.write(try LocalFile.readAll(trail.path(of: key), limit: 1 << 26), to: trail.path(of: newKey))
        }

        var planted: [String] = []
        switch mutation {
        case .logAtTwinPrefix:
            let log = try #require(trail.logFiles.randomElement(using: &random))
            try copy(log.key, to: twinOf(log.key))
            planted = [twinOf(log.key)]
        case .digestsAtTwinPrefixAndAPlantInTheGenuine:
            for digest in trail.digests {
                try copy(digest.key, to: twinOf(digest.key))
                try copy(digest.key + ".metadata.json", to: twinOf(digest.key) + ".metadata.json")
            }
            let inside = try #require(scenario.digests.dropFirst().first)
            planted = [try trail.plantLogFile(at: inside.startTime.adding(seconds: 600), seed: seed)]
        case .twinJunkInATrailFolder:
            let log = try #require(trail.logFiles.randomElement(using: &random))
            let folder = String(log.key[..<(log.key.lastIndex(of: "/") ?? log.key.startIndex)])
            planted = [folder + "/notes-K.txt", folder + "/notes-\u{212A}.txt"]
            for name in planted { try LocalFile.write(Array("junk".utf8), to: trail.path(of: name)) }
        case .digestAtKelvinTwin:
            let digest = try #require(scenario.digests.randomElement(using: &random))
            let kelvin = digest.key.replacingOccurrences(of: "K", with: "\u{212A}")
            try #require(Self.bytes(kelvin) != Self.bytes(digest.key))
            try copy(digest.key, to: kelvin)
            planted = [kelvin]
        }

        let report = try scenario.verify { $0.listEveryValidRecord() }
        let named = report.logFiles.filter { $0.verdict.isFinding }.map { Self.bytes($0.key) }
            + report.objects.map { Self.bytes($0.key) } + report.digests.filter { $0.verdict != .valid }.compactMap { $0.key.map(Self.bytes) }
        for key in planted {
            #expect(named.contains(Self.bytes(key)), "\(mutation): the planted \(key.debugDescription) is named by its own bytes")
        }
        #expect(report.totals.exitStatus == 1, "\(mutation)")
        // Every genuine log file is still verified, at its own key.
        let valid = Set(report.logFiles.filter { $0.verdict == .valid }.map { Self.bytes($0.key) })
        #expect(!trail.logFiles.isEmpty)
        #expect(Set(trail.logFiles.filter { $0.digestKey != nil }.map { Self.bytes($0.key) }).isSubset(of: valid), "\(mutation): every genuine log file verified")
        if mutation == .digestsAtTwinPrefixAndAPlantInTheGenuine {
            let twinDigests = Set(trail.digests.map { Self.bytes(twinOf($0.key)) })
            let moved = report.digests.filter { $0.verdict == .moved }.compactMap { $0.key.map(Self.bytes) }
            #expect(Set(moved) == twinDigests, "each copied digest is moved: it names the genuine key's bytes")
        }
    }
}
