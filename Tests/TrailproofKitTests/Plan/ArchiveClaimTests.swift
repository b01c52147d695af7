import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `ArchiveManifest.claim`: the manifest read strictly in one pass; the saved key file compared
/// with the keys given, and not read again when it is the run's own trust anchor.
@Suite struct ArchiveClaimTests {
    @Test func theSavedKeyFileIsComparedWithGivenKeysAndNotReadAgainWhenItIsTheAnchor() throws {
        let scratch = try ScratchDirectory("archive-claim")
        defer { scratch.remove() }
        try ArchiveManifest(bucket: "b", prefix: "", start: nil, end: nil, createdAt: UTCTime(secondsSinceEpoch: 86_400)).write(into: scratch.path)
        try LocalFile.write(Array(#"{"PublicKeyList": [], "PublicKeyList": []}"#.utf8), to: scratch.path + "/" + ArchiveManifest.keysFileName)
        let store = try DirectoryStore(root: scratch.path)
        let compared = ArchiveManifest.claim(in: store, givenKeys: PublicKeyRing())
        #expect(compared.claim?.bucket == "b")
        #expect(compared.findings.count == 1)
        #expect(compared.findings.first?.key == ArchiveManifest.keysFileName)
        let anchor = ArchiveManifest.claim(in: store, givenKeys: nil)
        #expect(anchor.claim?.bucket == "b")
        #expect(anchor.findings.isEmpty, "the archive's own keys were read (strictly) as the trust anchor")
    }

    @Test(arguments: [#"{"bucket": "a", "bucket": "b", "prefix": "", "createdAt": "2026-01-01T00:00:00Z", "tool": "t"}"#,
                      #"{"bucket": "a", "prefix": "", "createdAt": "2026-01-01T00:00:00Z", "tool": "t", "complete": 1}"#,
                      #"{"bucket": "a", "prefix": "", "createdAt": 1767225600, "tool": "t"}"#,
                      #"{"bucket": "a", "prefix": "", "createdAt": "2026-01-01T00:00:00Z", "tool": "t"} {}"#])
    func aManifestThatIsNotStrictlyOneManifestIsAFindingNotAClaim(_ text: String) throws {
        let scratch = try ScratchDirectory("archive-claim-bad")
        defer { scratch.remove() }
        try LocalFile.write(Array(text.utf8), to: scratch.path + "/" + ArchiveManifest.fileName)
        let result = ArchiveManifest.claim(in: try DirectoryStore(root: scratch.path), givenKeys: PublicKeyRing())
        #expect(result.claim == nil)
        #expect(result.findings.map(\.verdict) == [.manifestMismatch])
    }
}
