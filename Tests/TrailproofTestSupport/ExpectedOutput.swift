import Foundation
import Testing

/// Whole outputs pinned in files under Tests/Fixtures/expected/, compared byte for byte (as
/// swift-argument-parser's `AssertExecuteCommand` does).
///
/// To re-pin after an intended change of wording, run the tests with `TRAILPROOF_REPIN=1`:
///
///     TRAILPROOF_REPIN=1 swift test --skip-build --filter PinnedOutputTests
///
/// Each expectation then rewrites its file with what the program printed instead of comparing
/// (and the test passes); review the change with `git diff Tests/Fixtures/expected` and commit it.
public enum ExpectedOutput {
    /// Where the expected outputs are kept.
    public static let folder = BuiltExecutable.packageRoot + "/Tests/Fixtures/expected"

    /// True when `TRAILPROOF_REPIN=1`: expectations write their files instead of comparing.
    public static var isRepinning: Bool { ProcessInfo.processInfo.environment["TRAILPROOF_REPIN"] == "1" }

    /// Expects `actual` to equal the file `name` in `folder` byte for byte; with `TRAILPROOF_REPIN=1`
    /// writes `actual` to that file instead. A difference fails the test with a unified diff.
    public static func expect(_ actual: String, equalsFile name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = folder + "/" + name
        if isRepinning {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                Issue.record("could not write \(path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = FileManager.default.contents(atPath: path) else {
            Issue.record("no expected output \(path): run the test with TRAILPROOF_REPIN=1 to write it, then review and commit it",
                         sourceLocation: sourceLocation)
            return
        }
        guard Array(expected) != Array(actual.utf8) else { return }
        Issue.record("""
            the output differs from \(path) (if the change is intended, re-pin with TRAILPROOF_REPIN=1):
            \(difference(expected: path, actual: actual))
            """, sourceLocation: sourceLocation)
    }

    /// `diff -u` of the expected file and `actual`, or both texts whole when diff cannot run.
    private static func difference(expected path: String, actual: String) -> String {
        let scratch = FileManager.default.temporaryDirectory.path + "/trailproof-actual-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let expectedText = (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard (try? Data(actual.utf8).write(to: URL(fileURLWithPath: scratch))) != nil,
              let run = try? ProcessRunner.run("diff", ["-u", "--label", "expected", "--label", "actual", path, scratch], timeout: 30),
              run.status == 1
        else { return "--- expected\n\(expectedText)\n--- actual\n\(actual)" }
        return run.stdout
    }
}

/// Explicit substitutions that make a run's output comparable across runs: each replaces
/// something that must vary (a temporary path, the time of the run, a duration) with a name.
public struct OutputNormalisation: Sendable {
    private var literals: [(String, String)] = []
    private var patterns: [(String, String)] = []

    /// No substitution.
    public init() {}

    /// Replaces every occurrence of `text` with `placeholder` (longest texts first).
    public func replacing(_ text: String, with placeholder: String) -> OutputNormalisation {
        var copy = self
        copy.literals.append((text, placeholder))
        copy.literals.sort { $0.0.count > $1.0.count }
        return copy
    }

    /// Replaces every match of the regular expression `pattern` with `template` (after the
    /// literals; in `template`, `$1` is a group and `\$` a dollar sign).
    public func replacingMatches(of pattern: String, with template: String) -> OutputNormalisation {
        var copy = self
        copy.patterns.append((pattern, template))
        return copy
    }

    /// `text` with every substitution made.
    public func apply(_ text: String) -> String {
        var result = text
        for (literal, placeholder) in literals where !literal.isEmpty {
            result = result.replacingOccurrences(of: literal, with: placeholder)
        }
        for (pattern, template) in patterns {
            result = result.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return result
    }
}
