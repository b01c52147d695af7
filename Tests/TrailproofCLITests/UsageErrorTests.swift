import Foundation
import Testing
import TrailproofNative
import TrailproofTrailGen

/// Usage and operational errors: exit status 2 and a `trailproof: error:` line, never a pass.
@Suite struct UsageErrorTests {
    /// Checks the shape every exit-2 run must have and returns its first error line.
    @discardableResult
    static func expectUsageError(_ run: BuiltBinary.Run, mentioning fragments: [String],
                                 sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        #expect(run.status == 2, "\(run)", sourceLocation: sourceLocation)
        #expect(!run.stdout.contains("Result:"), "\(run)", sourceLocation: sourceLocation)
        let line = run.stderrLines.first { $0.hasPrefix("trailproof: error: ") }
        #expect(line != nil, "no `trailproof: error:` line\n\(run)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(run.stderr.contains(fragment), "stderr does not mention \(fragment.debugDescription)\n\(run)",
                    sourceLocation: sourceLocation)
        }
        return line
    }

    @Test func missingPublicKeysExits2WithAHint() throws {
        let trail = try CLITrail("no-keys")
        defer { trail.remove() }
        let run = try BuiltBinary.run(["verify", trail.trail.root])
        Self.expectUsageError(run, mentioning: ["no public keys", "--public-keys", "list-public-keys"])
    }

    @Test func aKeyWhoseValueDoesNotMatchItsFingerprintExits2NamingTheFile() throws {
        let trail = try CLITrail("bad-fingerprint")
        defer { trail.remove() }
        let original = try LocalFile.readAll(trail.trail.publicKeysFile, limit: 1 << 20)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(original)) as? [String: Any])
        var list = try #require(json["PublicKeyList"] as? [[String: Any]])
        let stated = try #require(list[0]["Fingerprint"] as? String)
        list[0]["Fingerprint"] = String(stated.reversed())
        json["PublicKeyList"] = list
        let path = trail.scratch.path + "/tampered-keys.json"
        try LocalFile.write(Array(try JSONSerialization.data(withJSONObject: json)), to: path)

        let run = try BuiltBinary.run(["verify", trail.trail.root, "--public-keys", path])
        Self.expectUsageError(run, mentioning: [path, "does not match its Fingerprint", stated])
    }

    @Test func theRealAWSKeyUnderAnotherFingerprintExits2() throws {
        let trail = try CLITrail("aws-key-mismatch")
        defer { trail.remove() }
        let value = "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB"
        let good = try trail.writeFile("aws-good.json", #"{"PublicKeyList":[{"Value":"\#(value)","Fingerprint":"7f3f401420072e50a65a141430817ab3","ValidityStartTime":1420070400.0,"ValidityEndTime":1893456000.0}]}"#)
        let bad = try trail.writeFile("aws-bad.json", #"{"PublicKeyList":[{"Value":"\#(value)","Fingerprint":"7f3f401420072e50a65a141430817ab4","ValidityStartTime":1420070400.0,"ValidityEndTime":1893456000.0}]}"#)
        Self.expectUsageError(try BuiltBinary.run(["verify", trail.trail.root, "--public-keys", bad]),
                              mentioning: [bad, "7f3f401420072e50a65a141430817ab3"])
        // The same file with the right fingerprint is usable: the trail's digests are then signed
        // by a key it lacks, an integrity finding (1), not a usage error.
        let run = try BuiltBinary.run(["verify", trail.trail.root, "--public-keys", good])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("public-key-not-found"), "\(run)")
    }

    @Test func anUnreadableOrMalformedKeyFileExits2NamingTheFile() throws {
        let trail = try CLITrail("bad-key-files")
        defer { trail.remove() }
        let absent = trail.scratch.path + "/absent-keys.json"
        let notJSON = try trail.writeFile("not-json.json", "Fingerprint: abc\n")
        let noList = try trail.writeFile("no-list.json", #"{"Keys": []}"#)
        let notBase64 = try trail.writeFile("not-base64.json", #"{"PublicKeyList":[{"Value":"%%%","Fingerprint":"00"}]}"#)
        for file in [absent, notJSON, noList, notBase64] {
            let run = try BuiltBinary.run(["verify", trail.trail.root, "--public-keys", trail.trail.publicKeysFile, "--public-keys", file])
            Self.expectUsageError(run, mentioning: [file])
        }
    }

    @Test func aRootThatDoesNotExistExits2() throws {
        let trail = try CLITrail("no-root")
        defer { trail.remove() }
        let root = trail.scratch.path + "/no-such-bucket"
        Self.expectUsageError(try BuiltBinary.run(["verify", root, "--public-keys", trail.trail.publicKeysFile]), mentioning: [root])
        // A file is not a root either.
        Self.expectUsageError(try BuiltBinary.run(["verify", trail.trail.publicKeysFile, "--public-keys", trail.trail.publicKeysFile]),
                              mentioning: [trail.trail.publicKeysFile])
    }

    @Test func anEmptyRootExits2RatherThanPassing() throws {
        let trail = try CLITrail("empty-root")
        defer { trail.remove() }
        let empty = trail.scratch.path + "/empty"
        try LocalFile.makeDirectories(empty)
        Self.expectUsageError(try BuiltBinary.run(["verify", empty, "--public-keys", trail.trail.publicKeysFile]),
                              mentioning: ["no CloudTrail digest files", empty])
    }

    @Test func aRootHoldingOnlyOtherObjectsExits2RatherThanPassing() throws {
        let trail = try CLITrail("other-objects")
        defer { trail.remove() }
        let root = trail.scratch.path + "/other-bucket"
        for key in ["README.txt", "AWSLogs/111122223333/Config/us-east-1/2026/1/8/ConfigSnapshot/snapshot.json.gz",
                    "AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/01/08/elb.log.gz",
                    "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/08/insight.json.gz"] {
            try LocalFile.write(try Gzip.compress(Array("{}".utf8)), to: root + "/" + key)
        }
        Self.expectUsageError(try BuiltBinary.run(["verify", root, "--public-keys", trail.trail.publicKeysFile]),
                              mentioning: ["no CloudTrail digest files"])
    }

    @Test func logFilesWithoutAnyDigestExit2RatherThanPassing() throws {
        let trail = try CLITrail("logs-only")
        defer { trail.remove() }
        for digest in trail.trail.digests { try trail.trail.deleteObject(digest.key) }
        Self.expectUsageError(try trail.verify(), mentioning: ["no CloudTrail digest files"])
    }

    /// Bad arguments, each with a fragment its message must contain.
    static let badArguments: [([String], String)] = [
        (["--start", "yesterday"], "--start"),
        (["--start", "2026-13-45"], "--start"),
        (["--end", "soon"], "--end"),
        (["--start", "2026-01-09", "--end", "2026-01-08"], "--end is before --start"),
        (["--concurrency", "0"], "--concurrency"),
        (["--concurrency", "many"], "--concurrency"),
        (["--head-signature", "not-hex"], "--head-signature"),
        (["--head-signature", "abc"], "--head-signature"),
        (["--head-signature", ""], "--head-signature"),
        // Hex, but no RSA signature's length: a usage error, not a `missing` digest finding.
        (["--head-signature", "deadbeef"], "not an RSA signature"),
        (["--head-signature", String(repeating: "ab", count: 255)], "not an RSA signature"),
        // Hostile times: huge, negative, ambiguous, garbage.
        (["--start", "99999999999999999999999"], "too large"),
        (["--end", "253402300800"], "too large"),
        (["--start=-5"], "negative"),
        (["--start", "20260108"], "ambiguous"),
        (["--end", "2026-01-08T25:00:00Z"], "--end"),
        (["--end", "2026-01-08T05:00:00+24:00"], "--end"),
        (["--start", "2026-01-08T05:00:00Zjunk"], "--start"),
        (["--start", String(repeating: "9", count: 5000)], "--start"),
        (["--format", "xml"], "--format"),
        // The library's typed errors, worded with the command line's flags (`LibraryErrorWording`).
        (["--shard", "x/y"], "--shard x/y is not K/N"),
        (["--shard", "0/2", "--run-id", "a b"], #"--run-id "a b": 1 to"#),
        (["--head-signature", "zz"], #"--head-signature "zz" is not hex"#),
        (["--shard", "0/2", "--run-id", "r", "--head-signature", String(repeating: "ab", count: 256)],
         "--shard and --head-signature cannot go together"),
        (["--no-such-option"], "--no-such-option"),
    ]

    @Test(arguments: badArguments)
    func aBadArgumentExits2NotArgumentParsers64(_ arguments: [String], mentioning fragment: String) throws {
        let trail = try CLITrail("bad-argument") { $0.hours = 1 }
        defer { trail.remove() }
        Self.expectUsageError(try trail.verify(arguments), mentioning: [fragment])
    }

    @Test func aMissingRootExits2() throws {
        let trail = try CLITrail("missing-root") { $0.hours = 1 }
        defer { trail.remove() }
        Self.expectUsageError(try BuiltBinary.run(["verify", "--public-keys", trail.trail.publicKeysFile]), mentioning: ["<root>"])
    }

    @Test func anUnknownSubcommandExits2() throws {
        Self.expectUsageError(try BuiltBinary.run(["verfiy", "/tmp"]), mentioning: ["verfiy"])
    }

    @Test func helpAndVersionExit0OnStandardOutput() throws {
        let help = try BuiltBinary.run(["verify", "--help"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("USAGE: trailproof verify") && help.stdout.contains("<root>"), "\(help)")
        #expect(help.stderr.isEmpty, "\(help)")
        let version = try BuiltBinary.run(["--version"])
        #expect(version.status == 0, "\(version)")
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+ \((revision [0-9a-f]{7,64}(-dirty)?|unknown revision)\)\n$"#, options: .regularExpression) != nil, "\(version)")
    }
}
