import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Sidecars and key files written by an attacker.
@Suite struct HostileMetadataTests {
    /// Sidecars whose signature fields disagree (or cannot be read strictly), for a digest whose
    /// genuine signature is `genuine`.
    static func conflictingSidecars(_ genuine: String) -> [String] {
        let other = String(genuine.reversed())
        return [
            "{\"signature\": \"\(genuine)\", \"Signature\": \"\(other)\"}",
            "{\"Metadata\": {\"signature\": \"\(genuine)\"}, \"x-amz-meta-signature\": \"\(other)\"}",
            "{\"Metadata\": {\"signature\": \"\(other)\"}, \"metadata\": {\"signature\": \"\(genuine)\"}}",
            "{\"signature\": \"\(genuine)\", \"signature\": \"\(other)\"}",
            "{\"Metadata\": {\"signature\": 7}}",
            "{\"Metadata\": {\"signature\": \"\(genuine)\", \"signature-algorithm\": \"SHA256withRSA\", \"x-amz-meta-signature-algorithm\": \"MD5withRSA\"}}",
            "not json at all",
        ]
    }

    @Test(arguments: 0..<7)
    func aSidecarWithDisagreeingSignaturesIsAFindingAndTheSameEveryRun(_ index: Int) throws {
        let scenario = try TrailScenario("sidecar-conflict-\(index)") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let target = scenario.digests[1]
        let sidecar = Self.conflictingSidecars(target.signatureHex)[index]
        try LocalFile.write(Array(sidecar.utf8), to: scenario.trail.path(of: target.key) + ".metadata.json")
        let first = try scenario.verify()
        let record = try #require(scenario.digest(key: target.key, in: first))
        #expect(record.verdict == .signatureInvalid, "\(sidecar)")
        #expect(first.totals.exitStatus == 1)
        let bytes = try JSONReport.encode(first)
        for _ in 0..<3 { #expect(try JSONReport.encode(try scenario.verify()) == bytes) }
    }

    @Test func agreeingFieldsInAnyCaseAreOneSignature() throws {
        let scenario = try TrailScenario("sidecar-agree") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let target = scenario.digests[2]
        let sidecar = "{\"Metadata\": {\"signature\": \"\(target.signatureHex)\"}, \"X-Amz-Meta-Signature\": \" \(target.signatureHex.uppercased()) \"}"
        try LocalFile.write(Array(sidecar.utf8), to: scenario.trail.path(of: target.key) + ".metadata.json")
        #expect(try scenario.verify().totals.exitStatus == 0)
    }

    @Test func aSidecarAndAnExtendedAttributeThatDisagreeAreAFinding() throws {
        let scenario = try TrailScenario("sidecar-xattr") { $0.hours = 3; $0.extendedAttributes = true }
        defer { scenario.scratch.remove() }
        let target = scenario.digests[2]
        let path = scenario.trail.path(of: target.key)
        guard (try? LocalFile.setExtendedAttribute("user.signature", value: Array(String(target.signatureHex.reversed()).utf8), on: path)) != nil else {
            return // the file system has no user xattrs
        }
        #expect(scenario.digest(key: target.key, in: try scenario.verify())?.verdict == .signatureInvalid)
    }

    @Test(.timeLimit(.minutes(1)))
    func aHundredThousandKeyEntriesParseInLinearTime() throws {
        let key = try SigningAuthority.key(0)
        var entries: [(SigningAuthority.Key, TimeSpan)] = []
        for index in 0..<100_000 {
            let start = UTCTime(secondsSinceEpoch: 1_700_000_000 + Int64(index) * 7200)
            entries.append((key, TimeSpan(start: start, end: start.adding(seconds: 3600))))
        }
        let keys = try PublicKeyRing.parseListPublicKeys(SigningAuthority.listPublicKeysJSON(entries), name: "many.json")
        let ring = PublicKeyRing(keys: keys)
        #expect(ring.count == 1)
        #expect(ring.validity(of: key.fingerprint).count == 100_000)
        if case .found = ring.lookup(fingerprint: key.fingerprint, digestEnd: UTCTime(secondsSinceEpoch: 1_700_000_000 + 50_000 * 7200 + 1800)) {} else {
            Issue.record("a key valid then was not found")
        }
        if case .notValidThen = ring.lookup(fingerprint: key.fingerprint, digestEnd: UTCTime(secondsSinceEpoch: 1_600_000_000)) {} else {
            Issue.record("a key was found outside its windows")
        }
    }

    @Test func overlappingWindowsMerge() throws {
        let key = try SigningAuthority.key(1)
        let base = UTCTime(secondsSinceEpoch: 1_700_000_000)
        let json = SigningAuthority.listPublicKeysJSON([
            (key, TimeSpan(start: base, end: base.adding(seconds: 100))),
            (key, TimeSpan(start: base.adding(seconds: 50), end: base.adding(seconds: 200))),
            (key, TimeSpan(start: base.adding(seconds: 1000), end: base.adding(seconds: 2000))),
        ])
        let ring = PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(json, name: "k.json"))
        #expect(ring.validity(of: key.fingerprint).map { $0.end?.secondsSinceEpoch } == [base.secondsSinceEpoch + 200, base.secondsSinceEpoch + 2000])
    }

    @Test(arguments: ["{\"PublicKeyList\": [], \"publicKeyList\": []}", "{\"PublicKeyList\": {}}",
                      "{\"PublicKeyList\": [{\"Value\": \"AAAA\", \"Fingerprint\": \"x\", \"Fingerprint\": \"y\"}]}",
                      String(repeating: "[", count: 100_000)])
    func hostileKeyFileShapesAreErrors(_ text: String) {
        #expect(throws: KeyFileError.self) { try PublicKeyRing.parseListPublicKeys(Array(text.utf8), name: "keys.json") }
    }
}
