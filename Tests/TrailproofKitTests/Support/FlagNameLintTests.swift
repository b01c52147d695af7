import Foundation
import Testing

/// The library names no command-line flag: sentences about a run's inputs name them through
/// `InputNames` (the CLI gives its flags), and typed errors are worded by the CLI. So no code line
/// of Sources/TrailproofKit may hold a `--flag`-looking text, comments aside; only what is truly
/// not ours (another program's command) is allowed, each entry still found.
@Suite struct FlagNameLintTests {
    /// Texts that are another program's command line, by file (relative to Sources/TrailproofKit).
    static let allowed: [(file: String, text: String)] = [
        ("Credentials/SSOProvider.swift", "aws sso login --profile"),
    ]

    /// `--` and a letter, at the start of a word (after a space, quote, backtick or bracket).
    nonisolated(unsafe) static let flag = /(^|[\s"`(\[])--[a-z]/

    /// The line without a comment: from `//` at its start or after a space (not `s3://`).
    static func code(of line: Substring) -> Substring {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("//") { return "" }
        if let range = line.firstRange(of: " //") { return line[..<range.lowerBound] }
        return line
    }

    /// The code lines (file, line number, text) of the library that look like they name a flag.
    static func flagLines() throws -> [(file: String, line: Int, text: String)] {
        let root = ByteWiseNamesLintTests.packageRoot.path + "/Sources/TrailproofKit"
        guard let files = FileManager.default.enumerator(atPath: root) else {
            Issue.record("Sources/TrailproofKit cannot be read")
            return []
        }
        var found: [(file: String, line: Int, text: String)] = []
        while let relative = files.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where code(of: line).firstMatch(of: flag) != nil {
                found.append((relative, number + 1, String(line)))
            }
        }
        return found.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    @Test func theLibraryNamesNoFlag() throws {
        let unexplained = try Self.flagLines().filter { line in
            !Self.allowed.contains { $0.file == line.file && line.text.contains($0.text) }
        }
        #expect(unexplained.isEmpty, """
            these lines of Sources/TrailproofKit name a command-line flag: name the input through \
            `InputNames` (the CLI's `InputNames.commandLine` gives the flag), or word a typed error \
            in the CLI (`LibraryErrorWording`):
            \(unexplained.map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n"))
            """)
    }

    @Test func everyAllowedTextIsStillThere() throws {
        let found = try Self.flagLines()
        for entry in Self.allowed {
            #expect(found.contains { $0.file == entry.file && $0.text.contains(entry.text) },
                    "\(entry.file) no longer holds \(entry.text): drop it from FlagNameLintTests.allowed")
        }
    }

    @Test func thePatternCatchesFlagsInCodeAndNotInComments() {
        let flagged = [#"return "give --bucket""#, #"x = "\(a) --start""#, "    + \"(--allow-gaps)\"", #"" (`--report json=PATH`)""#,
                       "--head-signature at the start of a line of a multi-line string"]
        let clean = [#"let url = "s3://bucket/key""#, "// give --bucket in a comment", "    /// `--end` in a doc comment",
                     #"let x = a - -b"#, #"call() // then --bucket"#, #""a--b""#]
        for line in flagged { #expect(Self.code(of: line[...]).firstMatch(of: Self.flag) != nil, "\(line)") }
        for line in clean { #expect(Self.code(of: line[...]).firstMatch(of: Self.flag) == nil, "\(line)") }
    }
}
