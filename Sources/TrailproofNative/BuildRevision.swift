internal import CTrailproof

/// The source revision (git commit) this binary was built from.
///
/// scripts/package builds with `TRAILPROOF_SOURCE_REVISION` set, which Package.swift hands to the
/// C target as a define; a plain `swift build` has none.
public enum BuildRevision {
    /// The git commit, possibly marked `-dirty`, or nil when the build was not given one.
    public static let commit: String? = {
        let value = String(cString: CTrailproof_source_revision())
        return value.isEmpty ? nil : value
    }()

    /// `revision COMMIT`, or `unknown revision`: what `trailproof --version` prints after the version.
    public static var description: String {
        commit.map { "revision \($0)" } ?? "unknown revision"
    }
}
