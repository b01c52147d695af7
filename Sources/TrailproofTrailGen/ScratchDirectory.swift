import Foundation
import TrailproofNative

/// A fresh directory under the system's temporary directory, for tests and benchmarks.
public struct ScratchDirectory: Sendable {
    /// Its absolute path.
    public let path: String

    /// Creates `…/trailproof-<label>-<random>`.
    public init(_ label: String = "scratch") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/trailproof-\(label)-\(UUID().uuidString.prefix(8))"
        try LocalFile.makeDirectories(path)
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
