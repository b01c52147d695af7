import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

@Suite struct HostileInputTests {
    static let hostileKeys = ["../../../../etc/passwd", "/etc/passwd", "AWSLogs/../../outside.json.gz",
                              "AWSLogs/a\u{0}b.json.gz", "AWSLogs\\..\\..\\x.json.gz", "AWSLogs//double.json.gz", "./AWSLogs/x.json.gz", "../\u{301}etc/passwd"]

    @Test func keysListedByASignedDigestNeverResolveOutsideTheRoot() throws {
        let scenario = try TrailScenario("hostile-keys") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        // A file the hostile keys aim at, just outside the root.
        try LocalFile.write(try Gzip.compress(Array("{}".utf8)), to: scenario.scratch.path + "/outside.json.gz")
        let target = scenario.digests[2]
        try scenario.trail.rewriteDigest(target.key, signer: try SigningAuthority.key(0)) { json in
            json["logFiles"] = Self.hostileKeys.map { key in
                ["s3Bucket": scenario.spec.bucket, "s3Object": key, "hashValue": String(repeating: "a", count: 64), "hashAlgorithm": "SHA-256"]
            }
        }
        let report = try scenario.verify { $0.headSignatures = [] }
        for key in Self.hostileKeys {
            let record = try #require(scenario.logFile(key, in: report), "\(key.debugDescription)")
            #expect(record.verdict == .unreadable)
            #expect(record.detail?.contains("unsafe object key") == true)
        }
    }

    @Test func aLogFileListedWithAnyOtherHashAlgorithmThanSHA256IsUnverifiedNeverValid() throws {
        // The digest's hash values are the files' true SHA-256: only the algorithm named differs,
        // byte for byte ("SHA-256" exactly, not a look-alike, another case or trailing bytes).
        let variants = ["SHA-1", "sha-256", "SHA\u{2010}256", "SHA-256 ", "SHA-256\u{0}"]
        let scenario = try TrailScenario("hash-algorithm") {
            $0.hours = 3
            $0.logFilesPerHour = 5...5
        }
        defer { scenario.scratch.remove() }
        let head = scenario.digests[2]
        var named: [(key: String, algorithm: String)] = []
        try scenario.trail.rewriteDigest(head.key, signer: try SigningAuthority.key(0)) { json in
            var entries = json["logFiles"] as? [[String: Any]] ?? []
            for index in entries.indices {
                let algorithm = variants[index % variants.count]
                entries[index]["hashAlgorithm"] = algorithm
                named.append((entries[index]["s3Object"] as? String ?? "", algorithm))
            }
            json["logFiles"] = entries
        }
        #expect(named.count == 5)
        let report = try scenario.verify { $0.headSignatures = [] }
        #expect(report.totals.digestsValid == report.totals.digests)
        for (key, algorithm) in named {
            let record = try #require(scenario.logFile(key, in: report), "\(key)")
            #expect(record.verdict == .unverified, "\(algorithm.debugDescription)")
            #expect(record.detail == "unsupported hashAlgorithm \(algorithm)")
        }
        // The files the other digests list are hashed and valid.
        #expect(report.totals.logFilesValid == scenario.trail.logFiles.count - named.count)
        #expect(report.totals.logFilesByVerdict == ["valid": scenario.trail.logFiles.count - named.count, "unverified": named.count])
    }

    /// Signature algorithms named otherwise than the bytes `SHA256withRSA` (another algorithm,
    /// another case, a trailing space or NUL).
    static let otherSignatureAlgorithms = ["SHA1withRSA", "sha256withrsa", "SHA256withRSA ", "SHA256withRSA\u{0}"]

    @Test(arguments: otherSignatureAlgorithms)
    func aDigestNamingAnyOtherSignatureAlgorithmIsMalformedAndVouchesForNothing(_ algorithm: String) throws {
        let scenario = try TrailScenario("signature-algorithm") {
            $0.hours = 3
            $0.logFilesPerHour = 2...2
        }
        defer { scenario.scratch.remove() }
        let head = scenario.digests[2]
        // Signed over as it is now: only the algorithm it names is wrong.
        try scenario.trail.rewriteDigest(head.key, signer: try SigningAuthority.key(0)) { $0["digestSignatureAlgorithm"] = algorithm }
        let report = try scenario.verify { $0.headSignatures = [] }
        let record = try #require(scenario.digest(key: head.key, in: report))
        #expect(record.verdict == .malformed, "\(algorithm.debugDescription): \(record)")
        #expect(record.problems.contains { $0.kind == .malformed && $0.detail == "unsupported digestSignatureAlgorithm \(algorithm)" })
        #expect(!head.logKeys.isEmpty)
        for key in head.logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unverified, "\(key)") }
        #expect(report.totals.exitStatus == 1)
    }

    /// A saved signature's algorithm is read without case and surrounding white space (as
    /// metadata tools may write it); any other name, or a look-alike, is another algorithm.
    @Test(arguments: ["SHA1withRSA", "MD5withRSA", "SHA256withRSA\u{0}", "SHA256withRSA\u{301}", "SHA256\u{2010}withRSA"])
    func aSavedSignatureNamingAnyOtherAlgorithmIsNotTrusted(_ algorithm: String) throws {
        let scenario = try TrailScenario("saved-algorithm") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last)
        // The genuine signature, saved beside the digest under another algorithm's name.
        let saved = SavedSignature(signatureHex: newest.signatureHex, algorithm: algorithm, source: .metadataFile)
        try LocalFile.write(saved.metadataJSON, to: scenario.trail.path(of: newest.key) + ".metadata.json")
        let report = try scenario.verify { $0.headSignatures = [] }
        let record = try #require(scenario.digest(key: newest.key, in: report))
        #expect(record.verdict == .signatureInvalid, "\(algorithm.debugDescription): \(record)")
        #expect(record.problems.contains { $0.detail == "saved signature algorithm is \(algorithm.lowercased()), not SHA256withRSA" })
        for key in newest.logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unverified, "\(key)") }
    }

    @Test func aHostilePreviousDigestKeyIsReportedMissingNotFollowed() throws {
        let scenario = try TrailScenario("hostile-previous") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        try scenario.trail.rewriteDigest(scenario.digests[2].key, signer: try SigningAuthority.key(0)) { json in
            json["previousDigestS3Object"] = "../../../etc/passwd"
        }
        let report = try scenario.verify()
        let record = try #require(report.digests.first { $0.key == "../../../etc/passwd" })
        #expect(record.verdict == .missing)
        #expect(record.problems.first?.detail.contains("unusable key") == true)
    }

    @Test func aLogFileThatIsASymlinkOutOfTheRootIsUnreadable() throws {
        let scenario = try TrailScenario("symlink-file") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        let outside = scenario.scratch.path + "/outside.json.gz"
        try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: log.key), limit: 1 << 26), to: outside)
        try LocalFile.remove(scenario.trail.path(of: log.key))
        try FileManager.default.createSymbolicLink(atPath: scenario.trail.path(of: log.key), withDestinationPath: outside)
        let record = try #require(scenario.logFile(log.key, in: try scenario.verify()))
        #expect(record.verdict == .unreadable)
        #expect(record.detail?.contains("outside") == true)
    }

    @Test func aSymlinkInsideTheRootIsFollowed() throws {
        let scenario = try TrailScenario("symlink-inside") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let log = scenario.trail.logFiles[0]
        let elsewhere = scenario.trail.root + "/stash/copy.json.gz"
        try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: log.key), limit: 1 << 26), to: elsewhere)
        try LocalFile.remove(scenario.trail.path(of: log.key))
        try FileManager.default.createSymbolicLink(atPath: scenario.trail.path(of: log.key), withDestinationPath: elsewhere)
        #expect(scenario.logFile(log.key, in: try scenario.verify { $0.listEveryValidRecord() })?.verdict == .valid)
    }

    @Test func aSymlinkedDirectoryOutsideTheRootIsListedAsItselfButNotWalked() throws {
        let scenario = try TrailScenario("symlink-dir") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        // A second trail outside the root, linked in under another account: it must not be walked.
        let other = try TrailScenario("symlink-target") { $0.hours = 2; $0.accounts = ["999988887777"] }
        defer { other.scratch.remove() }
        try FileManager.default.createSymbolicLink(atPath: scenario.trail.root + "/AWSLogs/999988887777",
                                                   withDestinationPath: other.trail.root + "/AWSLogs/999988887777")
        let report = try scenario.verify()
        #expect(report.chains.count == 1)
        // The link is accounted for as one object (never walked into).
        let keys = try DirectoryStore(root: scenario.trail.root).listKeys().filter { $0.contains("999988887777") }
        #expect(keys == ["AWSLogs/999988887777"])
        #expect(report.noticeTexts.contains("ignored 1 objects under AWSLogs/"))
    }

    @Test(arguments: ["[]", "{}", "{\"PublicKeyList\": [{\"Value\": 3}]}", "not json",
                      "{\"PublicKeyList\": [{\"Value\": \"%%%\", \"Fingerprint\": \"x\"}]}"])
    func anUnusableKeyFileIsAnError(_ text: String) {
        #expect(throws: KeyFileError.self) { try PublicKeyRing.parseListPublicKeys(Array(text.utf8), name: "keys.json") }
    }
}
