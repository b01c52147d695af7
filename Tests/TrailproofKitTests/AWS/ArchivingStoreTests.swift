import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// ArchivingStore over a real source store (a directory standing in for S3).
@Suite struct ArchivingStoreTests {
    @Test func anArchiveVerifiesLikeItsSourceAndAResumeFetchesNothingTwice() throws {
        let scenario = try TrailScenario("archive-source") { $0.metadataSidecars = .none; $0.extendedAttributes = true }
        defer { scenario.scratch.remove() }
        try scenario.trail.modifyLogFile(scenario.trail.logFiles[2].key)
        let planted = try scenario.trail.plantLogFile(at: scenario.digests[3].startTime.adding(seconds: 900))
        let out = try ScratchDirectory("archive-out")
        defer { out.remove() }

        let first = try ArchivingStore(source: try scenario.store, directory: out.path)
        let sourceReport = try plannedVerifier(first, keys: try scenario.keyRing(), policy: .listingEveryValidRecord).run()
        for record in sourceReport.logFiles where record.digest == nil { try first.copy(record.key) }
        #expect(first.statistics.reused == 0)
        #expect(sourceReport.failingLogFiles.map(\.key).sorted() == [scenario.trail.logFiles[2].key, planted].sorted())

        // The copy holds the signatures as sidecars, the modified log as it was, and the planted file.
        let copy = try DirectoryStore(root: out.path)
        let copyReport = try plannedVerifier(copy, keys: try scenario.keyRing(), policy: .listingEveryValidRecord).run()
        #expect(copyReport.digests.map(\.verdict) == sourceReport.digests.map(\.verdict))
        #expect(copyReport.logFiles.map(\.verdict) == sourceReport.logFiles.map(\.verdict))
        #expect(copyReport.digests.count == scenario.digests.count)
        #expect(copyReport.digests.allSatisfy { $0.signatureSource == .metadataFile })

        let second = try ArchivingStore(source: try scenario.store, directory: out.path)
        _ = try plannedVerifier(second, keys: try scenario.keyRing()).run()
        #expect(second.statistics.fetched == 0)
        #expect(second.statistics.reused > 0)
    }

    @Test func anObjectOverTheLimitIsNotArchivedAndLeavesNoFile() throws {
        let scenario = try TrailScenario("archive-over-limit") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let out = try ScratchDirectory("archive-over-limit-out")
        defer { out.remove() }
        let archive = try ArchivingStore(source: try scenario.store, directory: out.path)
        let key = scenario.trail.logFiles[0].key
        #expect(throws: StoreError.self) { try archive.copy(key, limit: 100) }
        #expect((try? LocalFile.kind(of: out.path + "/" + key)) == nil)
        #expect((try? LocalFile.kind(of: out.path + "/" + key + ".partial")) == nil)
        try archive.copy(key)
        #expect((try? LocalFile.kind(of: out.path + "/" + key)) == .regular)
    }

    @Test func aLogFileOverTheSizeLimitIsUnreadableAndNotCopiedOnPastIt() throws {
        let scenario = try TrailScenario("archive-bomb") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        try scenario.trail.overwriteObject(log.key, with: try Gzip.compress(Array(repeating: 0, count: 8 << 20), level: 9))
        let out = try ScratchDirectory("archive-bomb-out")
        defer { out.remove() }
        let archive = try ArchivingStore(source: try scenario.store, directory: out.path)
        var options = VerificationOptions()
        options.logFileUncompressedLimit = 1 << 20
        let report = try plannedVerifier(archive, keys: try scenario.keyRing(), policy: options).run()
        #expect(scenario.logFile(log.key, in: report)?.verdict == .unreadable)
        #expect((try? LocalFile.kind(of: out.path + "/" + log.key)) == nil, "the copy stops where the reading did")
    }

    @Test func aFailedCopyLeavesNoPartialFile() throws {
        let scenario = try TrailScenario("archive-partial") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let out = try ScratchDirectory("archive-partial-out")
        defer { out.remove() }
        let archive = try ArchivingStore(source: try scenario.store, directory: out.path)
        let key = scenario.trail.logFiles[0].key
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            _ = try archive.streamObject(key, restart: {}) { _ in throw Stop() }
        }
        // The reader failed but the bytes were complete: the copy is kept (it is evidence).
        #expect(LocalFile.exists(out.path + "/" + key))
        let leftovers = try DirectoryStore(root: out.path).listKeys().filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }
}
