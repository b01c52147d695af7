import Foundation
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

    /// Creates a manifest.
    public init(bucket: String, prefix: String, start: UTCTime?, end: UTCTime?, createdAt: UTCTime) {
        self.bucket = bucket
        self.prefix = prefix
        self.start = start
        self.end = end
        self.createdAt = createdAt
        tool = "trailproof \(TrailproofVersion.current)"
    }

    /// True for the files an archive adds at its root (they are not trail objects).
    static func isArchiveFile(_ key: String) -> Bool { key == fileName || key == keysFileName }

    /// Writes the manifest into `directory`.
    public func write(into directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try LocalFile.write(Array(try encoder.encode(self)), to: directory + "/" + ArchiveManifest.fileName)
    }

    /// The manifest of the archive in `store`, if it is one.
    public static func read(in store: DirectoryStore) throws -> ArchiveManifest? {
        guard let bytes = try store.readObject(fileName, limit: 1 << 20) else { return nil }
        return try JSONDecoder().decode(ArchiveManifest.self, from: Data(bytes))
    }

    /// The bucket recorded in the archive in `store`, if it is one.
    public static func bucket(in store: DirectoryStore) throws -> String? { try read(in: store)?.bucket }

    /// The public keys saved in the archive in `store`, if any.
    public static func keys(in store: DirectoryStore) throws -> PublicKeyRing? {
        guard let bytes = try store.readObject(keysFileName, limit: 64 << 20) else { return nil }
        return PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(bytes, name: store.root + "/" + keysFileName))
    }
}
