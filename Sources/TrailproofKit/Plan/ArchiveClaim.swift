/// What an archive's manifest says about the archive. Never trusted: it only adds findings
/// where the archive does not match it, and excuses no link but the one at its stated start.
public struct ArchiveClaim: Sendable {
    /// The manifest's own key, for findings.
    public var key: String
    /// The bucket it says was copied.
    public var bucket: String
    /// The key prefix it says was copied.
    public var prefix: String
    /// The window it says was copied.
    public var start: UTCTime?
    /// See `start`.
    public var end: UTCTime?
    /// When it says the copy was made.
    public var createdAt: UTCTime
    /// False when it says the copy stopped before it was finished.
    public var isComplete: Bool

    /// Creates a claim from a manifest.
    public init(key: String, manifest: ArchiveManifest) {
        self.key = key
        bucket = manifest.bucket
        prefix = manifest.prefix
        start = manifest.start
        end = manifest.end
        createdAt = manifest.createdAt
        isComplete = manifest.complete ?? true
    }
}
