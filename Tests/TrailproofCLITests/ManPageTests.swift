import Foundation
import Testing
import TrailproofTestSupport

/// The man pages in man/ stay in step with the built binary's help.
@Suite struct ManPageTests {
    static let manFolder = BuiltBinary.packageRoot + "/man"

    static func page(_ name: String) throws -> String {
        try String(contentsOfFile: manFolder + "/" + name, encoding: .utf8)
    }

    /// Long and short option names in a help text's OPTIONS section, e.g. ["--public-keys", "-v"].
    static func optionNames(inHelp help: String) -> Set<String> {
        guard let start = help.range(of: "\nOPTIONS:\n") else { return [] }
        var names = Set<String>()
        for line in help[start.upperBound...].split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("-"), line.hasPrefix("  ") && !line.hasPrefix("            ") else { continue }
            for word in trimmed.split(separator: " ").prefix(2) {
                let name = word.trimmingCharacters(in: CharacterSet(charactersIn: ","))
                if name.hasPrefix("-") { names.insert(name) }
            }
        }
        return names
    }

    /// How roff source spells an option: every hyphen escaped.
    static func roff(_ option: String) -> String { option.replacingOccurrences(of: "-", with: "\\-") }

    /// Every subcommand and its page.
    static let commandPages = [("verify", "trailproof-verify.1"), ("records", "trailproof-records.1"), ("keys", "trailproof-keys.1"), ("archive", "trailproof-archive.1"),
                               ("verify-query-results", "trailproof-verify-query-results.1"), ("merge", "trailproof-merge.1")]
    static let allPages = ["trailproof.1"] + commandPages.map(\.1)

    @Test(arguments: commandPages)
    func everyOptionOfACommandsHelpIsDocumentedInItsManPage(_ command: String, _ name: String) throws {
        let help = try BuiltBinary.run([command, "--help"])
        #expect(help.status == 0, "\(help)")
        let options = Self.optionNames(inHelp: help.stdout)
        // Sanity: the parse found the options every command has.
        #expect(options.isSuperset(of: ["-h", "--help", "--version"]), "\(options.sorted())")
        let page = try Self.page(name)
        let optionsSection = try #require(page.components(separatedBy: ".SH OPTIONS").dropFirst().first?
            .components(separatedBy: "\n.SH ").first)
        for option in options.sorted() {
            #expect(optionsSection.contains(Self.roff(option)), "\(option) is in `trailproof \(command) --help` but not in OPTIONS of man/\(name)")
        }
    }

    @Test func everyOptionOfTheRootHelpIsDocumentedInTheManPage() throws {
        let help = try BuiltBinary.run(["--help"])
        #expect(help.status == 0, "\(help)")
        let options = Self.optionNames(inHelp: help.stdout)
        #expect(options.contains("--version"), "\(options.sorted())")
        let page = try Self.page("trailproof.1")
        for option in options.sorted() {
            #expect(page.contains(Self.roff(option)), "\(option) is in `trailproof --help` but not in man/trailproof.1")
        }
    }

    @Test(arguments: allPages)
    func aManPageHasTheStandardSections(_ name: String) throws {
        let page = try Self.page(name)
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "FILES", "EXAMPLES", "SEE ALSO"] {
            #expect(page.contains("\n.SH \(section)\n") || page.contains("\n.SH \"\(section)\"\n"), "\(name) has no \(section) section")
        }
        let exitStatus = try #require(page.components(separatedBy: ".SH EXIT STATUS").dropFirst().first?
            .components(separatedBy: "\n.SH ").first)
        for code in ["0", "1", "2"] {
            #expect(exitStatus.contains(".B \(code)\n"), "\(name): EXIT STATUS does not describe \(code)")
        }
        if ["trailproof.1", "trailproof-verify.1"].contains(name) {
            #expect(page.contains(".metadata.json"))
            #expect(page.contains("user.signature"))
        }
    }

    @Test(.enabled(if: ExternalGroff.path != nil, "groff is not installed"), arguments: allPages)
    func aManPageRendersWithoutTroffWarnings(_ name: String) throws {
        let run = try ProcessRunner.run(try #require(ExternalGroff.path), ["-man", "-ww", "-z", "-rLL=78n", Self.manFolder + "/" + name])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }
}

extension ManPageTests {
    /// mandoc's lint: no error, warning or style message on any page (scripts/install-deps installs mandoc).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mandoc"), "mandoc is not installed"), arguments: allPages)
    func aManPagePassesMandocLint(_ name: String) throws {
        let run = try ProcessRunner.run("/usr/bin/mandoc", ["-Tlint", "-W", "style", Self.manFolder + "/" + name])
        #expect(run.stdout.isEmpty && run.stderr.isEmpty, "\(run)")
        #expect(run.status == 0)
    }
}

enum ExternalGroff {
    static let path: String? = ["/usr/bin/groff", "/usr/local/bin/groff", "/opt/homebrew/bin/groff"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}
