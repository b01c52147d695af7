import Foundation
import Testing

/// Object keys and file names are bytes, and Swift's `String` `==`, `<`, hash and `hasPrefix` are
/// Unicode canonical equivalence: a `String` that may hold a name must never be a dictionary or
/// set key, nor be compared with `==`/`!=` or `hasPrefix`/`hasSuffix`. This reads the engine and
/// the CLI and fails on any line that could do so, unless it is listed below with why it holds
/// no object name (then it is checked that the line is still there, so the list stays true).
@Suite struct ByteWiseNamesLintTests {
    /// Lines that match a pattern but hold no object name: (file, a fragment of the line, why).
    static let allowed: [(file: String, fragment: String, reason: String)] = [
        ("Storage/S3Store.swift", "!prefix.hasSuffix(\"/\")", "the user's s3:// URL, only given a trailing slash"),
        ("Storage/S3Store.swift", "signature(in headers: [String: String])", "HTTP headers by lower-cased ASCII name"),
        ("Options/ReportRequest+CommandLine.swift", "if path == \"-\"", "the user's --report path: - is standard output"),
        ("Options/ReportRequest+CommandLine.swift", "path.hasPrefix(\"s3://\")", "the user's --report destination"),
        ("Options/ReportRequest+CommandLine.swift", "!path.hasSuffix(\"/\")", "the user's --report destination"),
        ("Reports/TimelineSVG.swift", "last.label == mark.label", "timeline labels made by the report, not names"),
        ("Verification/LogHashCheck.swift", "lhs.proof.chain != rhs.proof.chain", "ChainID, equal and ordered by bytes"),
        ("Verification/Shard.swift", "environment: [String: String]", "process environment variables"),
        ("Verification/ShardRun.swift", "environment: [String: String]", "process environment variables"),
        ("Verification/TrailVerifier+Digests.swift", ".bucket.sameBytes(as: digest.bucket) == true", "already byte-wise"),
        ("State/TrailState.swift", "recentEventIDs: [String: Int64]", "hex FNV-1a hashes of eventIDs' bytes"),
        ("State/TrailState.swift", "sinkOffsets: [String: Int64]", "the user's sink names"),
        ("State/TrailState.swift", "decode([String: Int64].self, forKey: .recentEventIDs)", "hex FNV-1a hashes of eventIDs' bytes"),
        ("State/TrailState.swift", "decode([String: Int64].self, forKey: .sinkOffsets)", "the user's sink names"),
        ("Records/LogFileRecords.swift", "keeping names: Set<String>", "record member names from the user's --filter, turned into ObjectKey before use"),
        ("Records/RecordFilter.swift", "$0.path == path", "the user's --filter paths, [String] of member names the user wrote"),
        ("Records/RecordFilter.swift", "topLevelNames: Set<String>", "the user's --filter member names"),
        ("Records/RecordRelease.swift", "recentEventIDs: [String: Int64]", "hex FNV-1a hashes of eventIDs' bytes"),
        ("Records/RecordRelease.swift", "withheldLogFilesByVerdict: [String: Int]", "verdict names"),
        ("Records/RecordRelease.swift", "private let filterNames: Set<String>", "the user's --filter member names"),
        ("Records/RecordRelease.swift", "func recentEventIDs() -> [String: Int64]", "hex FNV-1a hashes of eventIDs' bytes"),
        ("Records/RecordRelease.swift", "seen: [String: Int64] = [:]", "hex FNV-1a hashes of eventIDs' bytes"),
        ("Records/RecordRelease.swift", "var window: [String: Int64]", "hex FNV-1a hashes of eventIDs' bytes"),
        ("Records/RecordRelease.swift", "var out: [String: Int64] = [:]", "hex FNV-1a hashes of eventIDs' bytes"),
        ("Records/RecordSink.swift", "if path == \"-\"", "the user's --out path: - is standard output"),
        ("Records/RecordSink.swift", "path.hasSuffix(\".gz\")", "the user's --out path"),
        ("Report/VerificationReport+Assembly.swift", "signatureSources: [String: Int]", "signature source names (an enum's raw values)"),
        ("Report/VerificationReport+Assembly.swift", "signatureSources(of digests: [DigestRecord]) -> [String: Int]", "signature source names"),
        ("Report/VerificationReport+Assembly.swift", "var sources: [String: Int] = [:]", "signature source names"),
        ("Report/VerificationReport+Combining.swift", "digestSignatureSources: [String: Int]", "signature source names"),
        ("Report/VerificationReport.swift", "digestsByVerdict: [String: Int]", "verdict names"),
        ("Report/VerificationReport.swift", "signatureSources: [String: Int]?", "signature source names"),
        ("Report/VerificationReport.swift", "logFilesByVerdict: [String: Int]", "verdict names"),
        ("Chain/ListingSurvey.swift", "logFilesByDay: [TrailLocation: [String: Int]]", "YYYY/MM/DD date folders, digits the key parser checked"),
        ("Chain/LocationBatch.swift", "logFilesByDay: [TrailLocation: [String: Int]]", "YYYY/MM/DD date folders, digits the key parser checked"),
        ("Chain/ListingSpill.swift", "[TrailLocation: [String: [Segment]]]", "YYYY/MM/DD date folders, digits the key parser checked"),
        ("AWS/AWSEnvironment.swift", "environment: [String: String]", "process environment variables"),
        ("AWS/AWSProfileFiles.swift", "[String: [String: String]]", "the user's AWS config and credentials profiles"),
        ("AWS/AWSProfileFiles.swift", "name.hasPrefix(\"profile \")", "the user's AWS config section names"),
        ("AWS/AWSProfileFiles.swift", "name != \"default\" && !name.hasPrefix(\"sso-session \")", "the user's AWS config section names"),
        ("Credentials/AssumeRoleProvider.swift", "[String: String]", "a profile's settings from the user's AWS config"),
        ("Credentials/AssumeRoleProvider.swift", "sourceName != profileName", "profile names from the user's AWS config"),
        ("Credentials/SSOProvider.swift", "headers: [String: String]", "HTTP headers by lower-cased ASCII name"),
        ("Credentials/STSClient.swift", "headers: [String: String]", "HTTP headers by lower-cased ASCII name"),
        ("Credentials/CredentialHTTP.swift", "headers: [String: String]", "HTTP headers by lower-cased ASCII name"),
        ("Credentials/CredentialContext.swift", "[String: String]", "process environment variables and profile settings from the user's AWS config"),
        ("Credentials/CredentialChain.swift", "context.profileName != \"default\"", "profile names from the user's AWS config"),
        ("Options/AWSOptions.swift", "resolvedEnvironments = Mutex<[String: AWSEnvironment]>", "AWS environments per the user's profile and endpoint options"),
        ("AWS/S3Client.swift", "regions = Mutex<[String: String]>", "bucket names (S3's rules: lower-case ASCII) to their regions"),
        ("AWS/S3Client.swift", "throws -> [String: String]?", "HTTP headers by lower-cased ASCII name"),
        ("AWS/SigV4Signer.swift", "lhs.name == rhs.name", "SigV4 query parameter names, sorted as AWS specifies for signing"),
        ("Lake/QueryResultsReport.swift", "filesByVerdict: [String: Int]", "verdict names"),
        ("Trails/TrailSelection.swift", "accounts: Set<String>", "12-digit account ids"),
        ("Keys/PublicKeyFetch.swift", "[String: TimeSpan]", "region names, checked by the key parser as [a-z0-9-]"),
        ("Chain/ListingSurvey.swift", "var keyWindows: [String: TimeSpan]", "region names, checked by the key parser as [a-z0-9-]"),
        ("Plan/TrustAnchor.swift", "windows: @autoclosure () throws -> [String: TimeSpan]", "region names, checked by the key parser as [a-z0-9-]"),
        ("Keys/PublicKeyRing.swift", "entries: [String: Entry]", "key fingerprints: lower-case hex MD5, checked against the key's bytes"),
        ("Keys/PublicKeyRing.swift", "parsedByValue: [String: CloudTrailPublicKey]", "base64 key values (ASCII)"),
        ("Keys/PublicKeyRing.swift", "derByFingerprint: [String: [UInt8]]", "key fingerprints: hex"),
    ]

    static let patterns: [NSRegularExpression] = [
        #"Set<String>|\[String\s*:|Dictionary<String\s*,"#,
        #"\b\w*([kK]ey|[oO]bject|[pP]refix|[fF]older|[bB]ucket|[lL]abel|[cC]hain|[pP]ath|[nN]ame|[iI]d|[sS]ource)\??\)?\s*(==|!=)\s*"#,
        #"(==|!=)\s*[\w.?]*\.([kK]ey|[oO]bject|[pP]refix|[fF]older|[bB]ucket|[lL]abel|[cC]hain|[pP]ath|[nN]ame|id|source)\b"#,
        #"\b\w*([kK]ey|[oO]bject|[pP]refix|[fF]older|[pP]ath|[nN]ame|[lL]abel)\.has(Prefix|Suffix)\("#,
    ].map { try! NSRegularExpression(pattern: $0) }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every line of the engine and the CLI that matches a pattern: (file relative to its target, line number, text).
    static func matches() throws -> [(file: String, line: Int, text: String)] {
        var found: [(String, Int, String)] = []
        for target in ["Sources/TrailproofKit", "Sources/trailproof"] {
            let base = packageRoot.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let relative = files.nextObject() as? String {
                guard relative.hasSuffix(".swift") else { continue }
                let text = try String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8)
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    guard !trimmed.hasPrefix("//") else { continue }
                    // `x == nil` compares an optional, not a name.
                    let withoutNil = trimmed.replacingOccurrences(of: #"\s*(==|!=)\s*nil\b"#, with: "", options: .regularExpression)
                    guard patterns.contains(where: { $0.firstMatch(in: withoutNil, range: NSRange(withoutNil.startIndex..., in: withoutNil)) != nil }) else { continue }
                    found.append((relative, index + 1, trimmed))
                }
            }
        }
        return found
    }

    @Test func noStringThatMayHoldANameIsHashedOrComparedAsAString() throws {
        let found = try Self.matches()
        #expect(found.count > 20, "the source was read")
        let unexplained = found.filter { match in
            !Self.allowed.contains { match.file.hasSuffix($0.file) && match.text.contains($0.fragment) }
        }
        #expect(unexplained.isEmpty, """
            a String that may hold an object name is a dictionary or set key, or compared with ==, != \
            or hasPrefix/hasSuffix: use ObjectKey or sameBytes/hasBytePrefix (or, if it holds no name, \
            list it in ByteWiseNamesLintTests.allowed with why):
            \(unexplained.map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n"))
            """)
    }

    @Test func everyAllowedLineIsStillThere() throws {
        let found = try Self.matches()
        for entry in Self.allowed {
            #expect(found.contains { $0.file.hasSuffix(entry.file) && $0.text.contains(entry.fragment) },
                    "\(entry.file): \(entry.fragment) no longer matches: drop it from the list")
        }
    }

    @Test func thePatternsCatchTheForbiddenShapes() {
        let bad = ["var seen: Set<String> = []", "let byKey: [String: Int] = [:]", "if digest.object != loaded.name.key {",
                   "guard location.keyPrefix == trail.keyPrefix else", "key.hasPrefix(folder)", "Dictionary<String, Int>()"]
        for line in bad {
            #expect(Self.patterns.contains { $0.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil }, "\(line)")
        }
        let good = ["var seen: Set<ObjectKey> = []", "if !digest.object.sameBytes(as: loaded.name.key) {", "key.hasBytePrefix(folder)"]
        for line in good {
            #expect(!Self.patterns.contains { $0.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil }, "\(line)")
        }
    }
}
