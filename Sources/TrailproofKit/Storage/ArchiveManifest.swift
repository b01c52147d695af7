import FoundationEssentials
import TrailproofNative

/// What `trailproof archive` writes beside the copied objects so that the copy verifies offline
/// with no other input: the source bucket and window, and the public keys.
public struct ArchiveManifest: Codable, Sendable {
    /// File name of the manifest at the archive's root.
    public static let fileName = "trailproof-archive.json"
    /// File name of the public keys (list-public-keys shape) at the archive's root.
    public static let keysFileName = "trailproof-public-keys.json"

    /// The bucket copied.
    public var bucket: String
    /// The key prefix copied ("" for all).
    public var prefix: String
    /// --start of the archive run, if any.
    public var start: UTCTime?
    /// --end of the archive run, if any.
    public var end: UTCTime?
    /// When the copy was made.
    public var createdAt: UTCTime
    /// The tool version that made it.
    public var tool: String
    /// False from the moment `trailproof archive` starts copying until it has finished: a copy
    /// that stopped part way says so, and never verifies as complete. Absent (nil) in manifests
    /// written before it was recorded.
    public var complete: Bool?

    /// Creates a manifest.
    public init(bucket: String, prefix: String, start: UTCTime?, end: UTCTime?, createdAt: UTCTime) {
        self.bucket = bucket
        self.prefix = prefix
        self.start = start
        self.end = end
        self.createdAt = createdAt
        tool = "trailproof \(TrailproofVersion.current)"
        complete = false
    }

    /// True for the files an archive adds at its root (they are not trail objects).
    static func isArchiveFile(_ key: String) -> Bool { key.sameBytes(as: fileName) || key.sameBytes(as: keysFileName) }

    /// Writes the manifest into `directory`.
    public func write(into directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try LocalFile.write(Array(try encoder.encode(self)), to: directory + "/" + ArchiveManifest.fileName)
    }

    /// The manifest of the archive in `store`, if it is one.
    /// - Throws: when it is present but not a strict-JSON manifest.
    public static func read(in store: DirectoryStore) throws -> ArchiveManifest? {
        guard let bytes = try store.readObject(fileName, limit: 1 << 20) else { return nil }
        return try StrictJSON.decode(ArchiveManifest.self, from: bytes)
    }

    /// What the archive in `store` claims about itself, to be checked against what it holds, and
    /// findings about its manifest and saved key file. Nothing here is trusted: an unreadable
    /// manifest is a finding, and a saved key that differs from a given key under the same
    /// fingerprint is one too.
    /// - Parameter givenKeys: the keys the user gave, compared with the saved ones; nil when the
    ///   saved key file is the run's trust anchor (read already, strictly: it is not read again).
    public static func claim(in store: DirectoryStore, givenKeys: PublicKeyRing?) -> (claim: ArchiveClaim?, findings: [ObjectRecord]) {
        var findings: [ObjectRecord] = []
        var claim: ArchiveClaim?
        do {
            if let manifest = try read(in: store) { claim = ArchiveClaim(key: fileName, manifest: manifest) }
        } catch {
            findings.append(ObjectRecord(key: fileName, verdict: .manifestMismatch, detail: "the archive's manifest cannot be read: \(error)"))
        }
        guard let givenKeys else { return (claim, findings) }
        do {
            if let bytes = try store.readObject(keysFileName, limit: KeyFiles.sizeLimit) {
                for key in try PublicKeyRing.parseListPublicKeys(bytes, name: keysFileName) {
                    if let given = givenKeys.keys.first(where: { $0.fingerprint == key.fingerprint }), given.der != key.der {
                        findings.append(ObjectRecord(key: keysFileName, verdict: .manifestMismatch,
                            detail: "the archive's saved key \(key.fingerprint) differs from the key given under that fingerprint"))
                    }
                }
            }
        } catch {
            findings.append(ObjectRecord(key: keysFileName, verdict: .manifestMismatch, detail: "the archive's saved key file cannot be read: \(error)"))
        }
        return (claim, findings)
    }
}
