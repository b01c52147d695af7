import TrailproofNative

/// Where a run's public keys (its trust anchor) came from. Every report names them.
public enum PublicKeySource: Sendable, Equatable, CustomStringConvertible {
    /// A key file given by the user, with the SHA-256 of its bytes.
    case file(path: String, sha256: String)
    /// CloudTrail's ListPublicKeys, called in these regions.
    case listPublicKeys(regions: [String])
    /// The key file saved inside the archive being verified, used because the user asked for it.
    case archive(path: String, sha256: String)

    /// True when the keys came from inside the evidence itself.
    public var isInsideEvidence: Bool {
        if case .archive = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .file(let path, let sha256): return "key file \(path) (SHA-256 \(sha256))"
        case .listPublicKeys(let regions): return "CloudTrail ListPublicKeys in \(regions.joined(separator: ", "))"
        case .archive(let path, let sha256):
            return "the archive itself: \(path) (SHA-256 \(sha256)); whoever could alter the archive could have replaced these keys"
        }
    }

    /// The source for a key file's bytes.
    public static func file(_ path: String, bytes: [UInt8]) -> PublicKeySource {
        .file(path: path, sha256: (try? MessageDigest.sha256Hex(bytes)) ?? "?")
    }
}
