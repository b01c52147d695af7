import Testing

/// `--help` reads as prose: no stray backslash from a line continuation written `\\`, and each
/// default said once (ArgumentParser adds `(default: N)` itself).
@Suite struct HelpTextTests {
    @Test(arguments: ["verify", "records", "archive", "keys", "merge", "verify-query-results"])
    func helpHasNoStrayBackslashAndNoDefaultSaidTwice(_ command: String) throws {
        let run = try BuiltBinary.run([command, "--help"])
        #expect(run.status == 0, "\(run)")
        #expect(!run.stdout.isEmpty)
        for line in run.stdout.split(separator: "\n") {
            #expect(!line.contains("\\"), "stray backslash: \(line)")
        }
        let text = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.range(of: #"\(default [0-9]+[^)]*\)\.? \(default: "#, options: .regularExpression) == nil, "a default said twice in \(command) --help")
    }
}
