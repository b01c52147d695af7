import Foundation
import Testing

/// The shipped executable links FoundationEssentials, never the full Foundation: Foundation brings
/// FoundationInternationalization and with it ICU and its data, about 30 MB of a 61 MB release
/// binary. So no file of the targets `trailproof` is built from (TrailproofNative, TrailproofKit,
/// trailproof) may import Foundation or one of its other modules; FoundationEssentials has what
/// they use (Data, Date, URL, JSONEncoder/JSONDecoder, ProcessInfo, FileManager).
@Suite struct FoundationImportLintTests {
    /// Files that still import Foundation, for NSCondition and Thread only, until the change that
    /// replaces those with TrailproofNative's own is merged; then this list must be emptied (the
    /// second test fails for each entry that no longer imports Foundation).
    static let allowed: [String] = []

    static let shippedTargets = ["Sources/TrailproofNative", "Sources/TrailproofKit", "Sources/trailproof"]

    /// An import of Foundation or one of the modules that link it (any attributes, access level or
    /// import kind; a submodule too), not of FoundationEssentials.
    nonisolated(unsafe) static let forbiddenImport =
        /^\s*(@[\w()]+\s+)*((public|package|internal|fileprivate|private)\s+)?import\s+((typealias|struct|class|enum|protocol|let|var|func)\s+)?(Foundation|FoundationInternationalization|FoundationNetworking|FoundationXML|CoreFoundation)(\.|\s|$)/

    /// Files under the shipped targets (relative to the package root) with a forbidden import.
    static func importingFoundation() throws -> [String] {
        let root = ByteWiseNamesLintTests.packageRoot.path
        var found: [String] = []
        for target in shippedTargets {
            guard let files = FileManager.default.enumerator(atPath: root + "/" + target) else {
                Issue.record("\(target) cannot be read")
                continue
            }
            while let relative = files.nextObject() as? String {
                guard relative.hasSuffix(".swift") else { continue }
                let text = try String(contentsOfFile: root + "/" + target + "/" + relative, encoding: .utf8)
                if text.split(separator: "\n").contains(where: { $0.firstMatch(of: forbiddenImport) != nil }) {
                    found.append(target + "/" + relative)
                }
            }
        }
        return found.sorted()
    }

    @Test func noFileOfTheShippedTargetsImportsFoundation() throws {
        let unexplained = try Self.importingFoundation().filter { !Self.allowed.contains($0) }
        #expect(unexplained.isEmpty, """
            these files of the shipped targets import Foundation, which links ICU's data into the \
            release binary: import FoundationEssentials (and TrailproofNative's ChildProcess, \
            StandardStream, ThreadSleep, LiteralText for what it lacks):
            \(unexplained.joined(separator: "\n"))
            """)
    }

    @Test func everyAllowedFileStillImportsFoundation() throws {
        let found = try Self.importingFoundation()
        for file in Self.allowed {
            #expect(found.contains(file), "\(file) no longer imports Foundation: drop it from FoundationImportLintTests.allowed")
        }
    }

    @Test func thePatternCatchesEveryFormOfTheImportAndNothingElse() {
        let bad = ["import Foundation", "@preconcurrency import Foundation", "  public import Foundation",
                   "@_implementationOnly import FoundationNetworking", "import struct Foundation.Date", "import Foundation.NSString",
                   "import FoundationInternationalization", "import FoundationXML // comment", "internal import CoreFoundation"]
        for line in bad { #expect(line.firstMatch(of: Self.forbiddenImport) != nil, "\(line)") }
        let good = ["import FoundationEssentials", "public import FoundationEssentials", "// import Foundation",
                    "/// Foundation's parser", "import TrailproofNative", "import FoundationEssentialsExtra"]
        for line in good { #expect(line.firstMatch(of: Self.forbiddenImport) == nil, "\(line)") }
    }
}
