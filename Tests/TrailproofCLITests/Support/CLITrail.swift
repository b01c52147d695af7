import Foundation
import Testing
import TrailproofNative
import TrailproofTrailGen

/// A small generated trail in its own scratch directory, verified through the built binary.
struct CLITrail {
    let scratch: ScratchDirectory
    let trail: GeneratedTrail

    /// Generates a trail from a small spec adjusted by `configure`.
    init(_ label: String, configure: (inout TrailSpec) -> Void = { _ in }) throws {
        var spec = TrailSpec()
        spec.hours = 4
        spec.logFilesPerHour = 1...2
        spec.eventsPerLogFile = 2...5
        configure(&spec)
        scratch = try ScratchDirectory("cli-\(label)")
        trail = try TrailGenerator.generate(spec, into: scratch.path)
    }

    /// `trailproof verify ROOT --public-keys KEYS` followed by `extra`.
    func verify(_ extra: [String] = [], timeout: TimeInterval = 120, environment: [String: String] = [:],
                sourceLocation: SourceLocation = #_sourceLocation) throws -> BuiltBinary.Run {
        try BuiltBinary.run(["verify", trail.root, "--public-keys", trail.publicKeysFile] + extra, timeout: timeout,
                            environment: environment, sourceLocation: sourceLocation)
    }

    /// The `s3://bucket/key` form the reports use.
    func url(_ key: String) -> String { "s3://\(trail.bucket)/\(key)" }

    /// Writes `text` to a file in the scratch directory and returns its path.
    func writeFile(_ name: String, _ text: String) throws -> String {
        let path = scratch.path + "/" + name
        try LocalFile.write(Array(text.utf8), to: path)
        return path
    }

    func remove() { scratch.remove() }
}
