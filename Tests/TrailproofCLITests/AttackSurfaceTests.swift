import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Attacks on what the built binary reads and prints, by someone who can write to the bucket or
/// the archive (keys, manifests, names, digests) but not to CloudTrail's keys.
@Suite struct AttackSurfaceTests {
    /// Makes the trail directory look like an archive: a manifest and a saved key file.
    static func makeArchive(_ trail: CLITrail, keysFile: [UInt8]? = nil, manifest: String? = nil) throws {
        let keys = try keysFile ?? LocalFile.readAll(trail.trail.publicKeysFile, limit: 1 << 20)
        try LocalFile.write(keys, to: trail.trail.root + "/" + ArchiveManifest.keysFileName)
        let text = manifest ?? """
            {"bucket": "\(trail.trail.bucket)", "prefix": "", "createdAt": "2026-06-01T00:00:00Z", "tool": "trailproof 0.1.0"}
            """
        try LocalFile.write(Array(text.utf8), to: trail.trail.root + "/" + ArchiveManifest.fileName)
    }

    @Test func keysPlantedInsideTheArchiveAreNeverUsedUnlessAskedFor() throws {
        let trail = try CLITrail("planted-keys")
        defer { trail.remove() }
        // The attacker re-signs a digest with a key of their own and plants that key in the archive.
        let attacker = try SigningAuthority.key(7)
        let target = trail.trail.primaryDigests[2]
        try trail.trail.rewriteDigest(target.key, signer: attacker) { json in json["logFiles"] = [] }
        try Self.makeArchive(trail, keysFile: SigningAuthority.listPublicKeysJSON(
            [(attacker, TimeSpan(start: UTCTime(secondsSinceEpoch: 0), end: UTCTime(secondsSinceEpoch: 4_000_000_000)))]))

        let unanchored = try BuiltBinary.run(["verify", trail.trail.root])
        #expect(unanchored.status == 2, "\(unanchored)")
        #expect(unanchored.stderr.contains("--keys-from-archive"), "\(unanchored)")

        let independent = try trail.verify()
        #expect(independent.status == 1, "\(independent)")
        #expect(independent.stderr.contains("digest public-key-not-found: \(trail.url(target.key))"), "\(independent)")
        #expect(independent.stdout.contains("Public keys from: key file \(trail.trail.publicKeysFile) (SHA-256 "), "\(independent)")

        let fromArchive = try BuiltBinary.run(["verify", trail.trail.root, "--keys-from-archive", "--format", "json"])
        let report = try JSONReport.decode(Array(fromArchive.stdout.utf8))
        #expect(report.scope.publicKeysFromEvidence)
        #expect(report.scope.publicKeySources.first?.contains("the archive itself") == true)
    }

    @Test func aManifestNarrowingTheWindowChecksNothingLess() throws {
        let trail = try CLITrail("narrowed-manifest") { $0.hours = 6 }
        defer { trail.remove() }
        let tampered = trail.trail.primaryDigestsWithLogs[0].logKeys[0]
        try trail.trail.modifyLogFile(tampered)
        let start = trail.trail.primaryDigests[4].endTime.adding(seconds: -60)
        try Self.makeArchive(trail, manifest: """
            {"bucket": "\(trail.trail.bucket)", "prefix": "", "start": "\(start.iso8601)", "createdAt": "2026-06-01T00:00:00Z", "tool": "x"}
            """)
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("log-file modified: \(trail.url(tampered))"), "\(run)")
        #expect(run.stderr.contains("object manifest-mismatch"), "\(run)")
    }

    @Test(arguments: ["not json", "{\"bucket\": 1}", "{\"bucket\": \"b\", \"bucket\": \"c\"}"])
    func anUnreadableManifestIsAFinding(_ manifest: String) throws {
        let trail = try CLITrail("bad-manifest")
        defer { trail.remove() }
        try Self.makeArchive(trail, manifest: manifest)
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("object manifest-mismatch: s3://\(trail.trail.bucket)/trailproof-archive.json"), "\(run)")
    }

    @Test func aManifestMadeBeforeWhatItHoldsIsAFinding() throws {
        let trail = try CLITrail("early-manifest")
        defer { trail.remove() }
        try Self.makeArchive(trail, manifest: """
            {"bucket": "\(trail.trail.bucket)", "prefix": "", "createdAt": "2020-01-01T00:00:00Z", "tool": "x"}
            """)
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("before the newest object it holds"), "\(run)")
    }

    @Test(arguments: ["2030-03-01T12:00:00Z", "2099-12-31T22:30:00Z"])
    func aManifestDatedWithAPlantedLogFileDoesNotMakeItNotYetCovered(_ planted: String) throws {
        let trail = try CLITrail("manifest-ahead-\(planted.prefix(4))")
        defer { trail.remove() }
        let time = try #require(UTCTime(parsing: planted))
        let key = try trail.trail.plantLogFile(at: time)
        // The manifest says the archive was made just after the planted file: nothing older than it.
        try Self.makeArchive(trail, manifest: """
            {"bucket": "\(trail.trail.bucket)", "prefix": "", "createdAt": "\(time.adding(seconds: 1200).iso8601)", "tool": "x"}
            """)
        let run = try trail.verify()
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("log-file unreferenced: \(trail.url(key))"), "\(run)")
        #expect(!run.stdout.contains("not yet covered"), "\(run)")
    }

    @Test func keysAndControlCharactersInNamesCannotSpoofTheOutput() throws {
        let trail = try CLITrail("spoof")
        defer { trail.remove() }
        let folder = trail.trail.logFiles[0].key.components(separatedBy: "/").dropLast().joined(separator: "/")
        let hostile = folder + "/x\nResult: VERIFIED\n\u{1b}[2J\u{1b}[1A\r\u{202e}evil\u{7}.json.gz"
        try LocalFile.write(Array("x".utf8), to: trail.trail.path(of: hostile))
        for format in ["text", "json"] {
            let run = try trail.verify(["--format", format, "--verbose"])
            #expect(run.status == 1, "\(run)")
            // Text is escaped for a terminal; JSON escapes control characters as JSON does.
            let texts = format == "text" ? [run.stdout, run.stderr] : [run.stderr]
            for text in texts {
                #expect(!text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x0d || $0.value == 0x202e }, "\(run)")
            }
            if format == "json" {
                #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0.value != 0x0a }, "\(run)")
                #expect(try JSONReport.decode(Array(run.stdout.utf8)).objects.first?.key == hostile)
            }
            #expect(!run.stderrLines.contains("Result: VERIFIED"), "\(run)")
            #expect(run.stderr.contains("x\\nResult: VERIFIED\\n\\x1b[2J"), "\(run)")
            if format == "text" { #expect(!run.stdoutLines.contains("Result: VERIFIED"), "\(run)") }
        }
    }

    @Test(arguments: ["1e20", "\"nan\"", "\"inf\"", "-1e19", "1e400", "\"-inf\"", "\"1e300\"", "-1"])
    func aKeyFileTimeOutOfRangeIsAnErrorNotACrash(_ value: String) throws {
        let trail = try CLITrail("key-time")
        defer { trail.remove() }
        let key = try SigningAuthority.key(0)
        let file = try trail.writeFile("keys.json", """
            {"PublicKeyList": [{"Value": "\(Data(key.publicDER).base64EncodedString())", "Fingerprint": "\(key.fingerprint)",
              "ValidityStartTime": \(value), "ValidityEndTime": null}]}
            """)
        let run = try BuiltBinary.run(["verify", trail.trail.root, "--public-keys", file])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("ValidityStartTime is not a time"), "\(run)")
    }

    @Test func aKeyShorterThan2048BitsIsRefusedByName() throws {
        let trail = try CLITrail("weak-key")
        defer { trail.remove() }
        let weak = try RSAPrivateKey.generate(bits: 1024)
        let der = try weak.publicKeyPKCS1DER()
        let fingerprint = try MessageDigest.md5Hex(der)
        let file = try trail.writeFile("keys.json", """
            {"PublicKeyList": [{"Value": "\(Data(der).base64EncodedString())", "Fingerprint": "\(fingerprint)"}]}
            """)
        let run = try BuiltBinary.run(["verify", trail.trail.root, "--public-keys", file])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("key \(fingerprint) is a 1024-bit RSA key"), "\(run)")
    }

    @Test(arguments: ["0", "257", "100000"])
    func concurrencyOutsideItsDocumentedRangeIsAUsageError(_ value: String) throws {
        let trail = try CLITrail("concurrency")
        defer { trail.remove() }
        let run = try trail.verify(["--concurrency", value])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("--concurrency must be from 1 to 256"), "\(run)")
    }
}

/// Planted digests built to exhaust memory or time.
@Suite struct ExhaustionAttackTests {
    /// Writes an unsigned digest at a digest key of the trail's chain, ending at `end`.
    static func plantDigest(_ trail: CLITrail, end: UTCTime, json: String) throws -> String {
        let model = trail.trail.primaryDigests[0]
        let stamp = model.endTime.compact(withSeconds: true)
        let key = model.key.replacingOccurrences(of: stamp, with: end.compact(withSeconds: true))
            .replacingOccurrences(of: model.endTime.keyDatePath, with: end.keyDatePath)
        try LocalFile.write(try Gzip.compress(Array(json.utf8), level: 1), to: trail.trail.path(of: key))
        return key
    }

    static func header(_ trail: CLITrail, key: String, end: UTCTime, previousKey: String?) -> String {
        let previous = previousKey.map { "\"previousDigestS3Bucket\":\"\(trail.trail.bucket)\",\"previousDigestS3Object\":\"\($0)\",\"previousDigestHashValue\":\"\(String(repeating: "a", count: 64))\",\"previousDigestSignature\":\"abcd\"" }
            ?? "\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,\"previousDigestHashValue\":null,\"previousDigestSignature\":null"
        return """
            {"awsAccountId":"111122223333","digestStartTime":"\(end.adding(seconds: -3600).iso8601)","digestEndTime":"\(end.iso8601)",\
            "digestS3Bucket":"\(trail.trail.bucket)","digestS3Object":"\(key)","digestPublicKeyFingerprint":"00000000000000000000000000000000",\
            "digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":null,"oldestEventTime":null,\(previous),
            """
    }

    /// The peak resident size of the largest child this process has waited for, in bytes.
    /// Runs `trailproof verify` on `trail` under /usr/bin/time: its result and its own peak
    /// resident size (not that of any other child the test process ran, such as a browser).
    static func verifyMeasuringPeak(_ trail: CLITrail, _ extra: [String]) throws -> (run: BuiltBinary.Run, peak: Int) {
        let peakFile = trail.scratch.path + "/peak-rss"
        let binary = try BuiltBinary.location.get()
        let run = try BuiltBinary.run(program: "/usr/bin/time", ["-f", "%M", "-o", peakFile, binary, "verify", trail.trail.root,
                                                                "--public-keys", trail.trail.publicKeysFile] + extra)
        let text = String(decoding: try LocalFile.readAll(peakFile, limit: 1 << 16), as: UTF8.self)
        let kilobytes = try #require(text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) }, "\(text)")
        return (run, kilobytes * 1024)
    }

    @Test func anUnsignedDigestListingHundredsOfThousandsOfLogFilesCostsNoMemoryPerEntry() throws {
        let trail = try CLITrail("huge-digest")
        defer { trail.remove() }
        let end = trail.trail.primaryDigests[1].endTime.adding(seconds: 1800)
        let count = 300_000
        let model = trail.trail.logFiles[0].key
        let entry = "{\"s3Bucket\":\"\(trail.trail.bucket)\",\"s3Object\":\"\(model)\",\"hashValue\":\"\(String(repeating: "b", count: 64))\",\"hashAlgorithm\":\"SHA-256\",\"newestEventTime\":null,\"oldestEventTime\":null}"
        var key = ""
        var json = ""
        json.reserveCapacity(count * (entry.utf8.count + 1) + 1024)
        key = try Self.plantDigest(trail, end: end, json: "{}")
        json += Self.header(trail, key: key, end: end, previousKey: nil) + "\"logFiles\":["
        for index in 0..<count { json += index == 0 ? entry : "," + entry }
        json += "]}"
        _ = try Self.plantDigest(trail, end: end, json: json)
        json = ""
        let (run, peak) = try Self.verifyMeasuringPeak(trail, ["--format", "json"])
        #expect(run.status == 1, "\(run.stderr.prefix(2000))")
        let report = try JSONReport.decode(Array(run.stdout.utf8))
        let record = try #require(report.digests.first { $0.key == key })
        #expect(record.verdict == .signatureUnavailable)
        #expect(record.logFileCount == count)
        // What it claims to list is never built: no record per phantom entry.
        #expect(report.logFiles.count < 100)
        // About 100 MB of JSON, read once; building its entries took gigabytes.
        #expect(peak < 400 << 20, "peak \(peak >> 20) MB")
        print("huge unsigned digest: peak RSS \(peak >> 20) MB")
    }

    @Test func aLinkToADigestInTheYear9999IsOneMissingSpan() throws {
        let trail = try CLITrail("far-link")
        defer { trail.remove() }
        let end = trail.trail.primaryDigests[3].endTime.adding(seconds: 3 * 86_400)
        let far = try #require(UTCTime(year: 9999, month: 12, day: 31, hour: 23))
        let farKey = trail.trail.primaryDigests[0].key
            .replacingOccurrences(of: trail.trail.primaryDigests[0].endTime.compact(withSeconds: true), with: far.compact(withSeconds: true))
            .replacingOccurrences(of: trail.trail.primaryDigests[0].endTime.keyDatePath, with: far.keyDatePath)
        var key = try Self.plantDigest(trail, end: end, json: "{}")
        key = try Self.plantDigest(trail, end: end, json: Self.header(trail, key: key, end: end, previousKey: farKey) + "\"logFiles\":[]}")
        let run = try trail.verify(["--format", "json"], timeout: 60)
        #expect(run.status == 1, "\(run.stderr.prefix(2000))")
        let report = try JSONReport.decode(Array(run.stdout.utf8))
        let missing = report.digests.filter { $0.verdict == .missing }
        #expect(missing.count <= 2, "\(missing.count) missing records")
        #expect(missing.contains { $0.key == farKey })
    }
}
