import TrailproofNative

/// Reads public key files (the JSON `aws cloudtrail list-public-keys` or `trailproof keys` prints).
public enum KeyFiles {
    /// Largest key file read.
    public static let sizeLimit = 64 << 20

    /// Reads `files` into one ring, with a source entry (path and SHA-256) per file.
    /// - Parameter fromArchive: the files are the archive's own saved keys (said in the report).
    /// - Throws: `KeyFileError` for an unreadable, malformed or empty file, or one key under two fingerprints.
    public static func load(_ files: [String], fromArchive: Bool = false) throws -> (ring: PublicKeyRing, sources: [PublicKeySource]) {
        var ring = PublicKeyRing()
        var sources: [PublicKeySource] = []
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = try LocalFile.readAll(file, limit: sizeLimit)
            } catch {
                throw KeyFileError(file: file, reason: .unreadable("\(error)"))
            }
            let parsed = try PublicKeyRing.parseListPublicKeys(bytes, name: file)
            guard !parsed.isEmpty else { throw KeyFileError(file: file, reason: .emptyPublicKeyList) }
            for key in parsed where !ring.add(key) {
                throw KeyFileError(file: file, reason: .fingerprintCollision(fingerprint: key.fingerprint))
            }
            let source = PublicKeySource.file(file, bytes: bytes)
            if fromArchive, case .file(let path, let sha256) = source {
                sources.append(.archive(path: path, sha256: sha256))
            } else {
                sources.append(source)
            }
        }
        return (ring, sources)
    }
}
