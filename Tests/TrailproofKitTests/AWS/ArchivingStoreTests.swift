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
        let sourceReport = try TrailVerifier(store: first, keys: try scenario.keyRing(), options: VerificationOptions()).run()
        for record in sourceReport.logFiles where record.digest == nil { try first.copy(record.key) }
        #expect(first.statistics.reused == 0)
        #expect(sourceReport.failingLogFiles.map(\.key).sorted() == [scenario.trail.logFiles[2].key, planted].sorted())

        // The copy holds the signatures as sidecars, the modified log as it was, and the planted file.
        let copy = try DirectoryStore(root: out.path)
        let copyReport = try TrailVerifier(store: copy, keys: try scenario.keyRing(), options: VerificationOptions()).run()
        #expect(copyReport.digests.map(\.verdict) == sourceReport.digests.map(\.verdict))
        #expect(copyReport.logFiles.map(\.verdict) == sourceReport.logFiles.map(\.verdict))
        #expect(copyReport.digests.allSatisfy { $0.signatureSource == .metadataFile })

        let second = try ArchivingStore(source: try scenario.store, directory: out.path)
        _ = try TrailVerifier(store: second, keys: try scenario.keyRing(), options: VerificationOptions()).run()
        #expect(second.statistics.fetched == 0)
        #expect(second.statistics.reused > 0)
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
