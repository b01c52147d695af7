import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A cut location's digests keep their log file lists' bytes from their one read
/// (`DigestListSpill`): a list built later is the one whose hash the signature covers, read
/// from the run's own file, not the store again.
@Suite struct DigestListSpillTests {
    static func context(_ store: ObjectStore, keys: PublicKeyRing, spill: DigestListSpill?) -> LoadedDigest.Context {
        var context = LoadedDigest.Context(store: store, keys: keys, sizeLimit: 1 << 20, gate: LargeObjectGate(smallAllowance: 1 << 20))
        context.buildsLogFilesOnLoad = false
        context.listSpill = spill
        return context
    }

    static func name(_ key: String) throws -> DigestKeyName {
        guard case .digest(let name)? = TrailObjectKey(key) else { throw DigestFormatError("not a digest key: \(key)") }
        return name
    }

    @Test func aListBuiltLaterComesFromTheKeptBytesNotASecondRead() throws {
        let scenario = try TrailScenario("list-spill") { $0.hours = 6; $0.logFilesPerHour = 3...5 }
        defer { scenario.scratch.remove() }
        let counting = CountingStore(try scenario.store)
        let keys = try scenario.keyRing()
        let state = try GunzipState()
        for generated in scenario.digests where !generated.logKeys.isEmpty {
            let spill = try #require(DigestListSpill())
            var kept = LoadedDigest.load(try Self.name(generated.key), inScope: true,
                                         context: Self.context(counting, keys: keys, spill: spill), state: state)
            #expect(!kept.logFilesParsed && kept.digest?.logFiles.isEmpty == true, "not built on load")
            kept.parseLogFiles(Self.context(counting, keys: keys, spill: spill), state: state)
            #expect(counting.reads[generated.key] == 1, "one read of \(generated.key)")
            #expect(kept.digest?.logFiles.map(\.object) == generated.logKeys)

            // Without a spill, the list is read again, and it is the same list.
            var reread = LoadedDigest.load(try Self.name(generated.key), inScope: true,
                                           context: Self.context(counting, keys: keys, spill: nil), state: state)
            reread.parseLogFiles(Self.context(counting, keys: keys, spill: nil), state: state)
            #expect(counting.reads[generated.key] == 3)
            #expect(reread.digest?.logFiles == kept.digest?.logFiles)
        }
    }

    @Test func aDigestReplacedAfterItsReadKeepsTheListItsHashCovers() throws {
        let scenario = try TrailScenario("list-spill-replaced") { $0.hours = 6; $0.logFilesPerHour = 2...4 }
        defer { scenario.scratch.remove() }
        let store = try scenario.store
        let keys = try scenario.keyRing()
        let state = try GunzipState()
        let withLogs = scenario.digests.filter { !$0.logKeys.isEmpty }
        let (first, other) = (withLogs[0], withLogs[1])
        let spill = try #require(DigestListSpill())
        let name = try Self.name(first.key)
        var kept = LoadedDigest.load(name, inScope: true, context: Self.context(store, keys: keys, spill: spill), state: state)
        var reread = LoadedDigest.load(name, inScope: true, context: Self.context(store, keys: keys, spill: nil), state: state)
        // The attacker swaps in another (authentic) digest's bytes between the read and the build.
        try scenario.trail.overwriteObject(first.key, with: try scenario.trail.readObject(other.key))
        kept.parseLogFiles(Self.context(store, keys: keys, spill: spill), state: state)
        #expect(kept.digest?.logFiles.map(\.object) == first.logKeys, "the list whose hash was checked")
        reread.parseLogFiles(Self.context(store, keys: keys, spill: nil), state: state)
        guard case .failure(.unreadable(let detail)) = reread.content else {
            Issue.record("a second read of a changed file is refused: \(reread.content)")
            return
        }
        #expect(detail.contains("changed"))
    }

    @Test func spillsKeepWhatEachThreadWritesApart() throws {
        let spill = try #require(DigestListSpill())
        let payloads = (0..<64).map { index in (0..<(1 + index * 97 % 3000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) } }
        let segments = try parallelMap(count: payloads.count, workers: 4, makeState: { () }, job: { _, index in
            payloads[index].withUnsafeBytes { spill.keep($0) }
        })
        for (index, segment) in segments.enumerated() {
            let segment = try #require(segment)
            let buffer = GatedBuffer(gate: LargeObjectGate(smallAllowance: 1 << 20), limit: 1 << 20)
            try spill.read(segment, into: buffer)
            #expect(buffer.bytes == payloads[index], "payload \(index)")
        }
        #expect(Set(segments.map { $0!.offset }).count == payloads.count)
    }
}
