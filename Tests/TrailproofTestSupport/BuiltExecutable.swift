import Foundation

/// Finds the package's built executables for tests that run them (`trailproof`, `trailproof-gen`).
public enum BuiltExecutable {
    /// The package root, from this file's place in it (Tests/TrailproofTestSupport/).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Why an executable was not found: every place looked in.
    public struct LocateError: Error, CustomStringConvertible {
        /// The paths tried.
        public let searched: [String]

        public var description: String {
            "the built executable was not found; build it first (swift build) — looked in:\n  "
                + searched.joined(separator: "\n  ")
        }
    }

    /// Looks for `name` in the folder of the running test executable first (the build's products
    /// folder on Linux, or the folder holding the .xctest bundle on macOS), then in every
    /// `.build*/debug` folder of the package, newest first.
    public static func locate(_ name: String) -> Result<String, LocateError> {
        var folders: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        // Inside a macOS bundle: …/debug/trailproofPackageTests.xctest/Contents/MacOS/
        for folder in folders where folder.path.contains(".xctest/") {
            var url = folder
            while url.pathExtension != "xctest" && url.path != "/" { url.deleteLastPathComponent() }
            folders.append(url.deletingLastPathComponent())
        }
        var searched: [String] = []
        for folder in folders {
            let candidate = folder.appendingPathComponent(name).path
            searched.append(candidate)
            if FileManager.default.isExecutableFile(atPath: candidate) { return .success(candidate) }
        }
        let scratchFolders = ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot)) ?? [])
            .filter { $0.hasPrefix(".build") }
        var found: [(path: String, modified: Date)] = []
        for scratch in scratchFolders {
            let candidate = "\(packageRoot)/\(scratch)/debug/\(name)"
            searched.append(candidate)
            guard FileManager.default.isExecutableFile(atPath: candidate),
                  let modified = (try? FileManager.default.attributesOfItem(atPath: candidate))?[.modificationDate] as? Date
            else { continue }
            found.append((candidate, modified))
        }
        if let newest = found.max(by: { $0.modified < $1.modified }) { return .success(newest.path) }
        return .failure(LocateError(searched: searched))
    }
}
