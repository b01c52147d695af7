import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Attacks by someone who can write to the bucket or the archive but not to CloudTrail's keys:
/// each must end in a finding, never in "verified".
@Suite struct TamperedTrailAttackTests {
    /// Deletes the newest digest, modifies its log files, and saves the newest remaining digest's
    /// genuine signature (taken from the deleted digest's previousDigestSignature) as its sidecar.
    static func deleteNewestDigestAndCoverItsTracks(_ scenario: TrailScenario) throws -> GeneratedDigest {
        let newest = try #require(scenario.digests.last)
        let previous = scenario.digests[scenario.digests.count - 2]
        try scenario.trail.deleteObject(newest.key)
        for key in newest.logKeys { try scenario.trail.modifyLogFile(key) }
        let sidecar = "{\"Metadata\": {\"signature\": \"\(previous.signatureHex)\", \"signature-algorithm\": \"SHA256withRSA\"}}"
        try LocalFile.write(Array(sidecar.utf8), to: scenario.trail.path(of: previous.key) + ".metadata.json")
        return newest
    }

    @Test(arguments: [3, 17] as [UInt64])
    func aHeadSignatureThatSignsNoDigestPresentIsAMissingDigest(seed: UInt64) throws {
        let scenario = try TrailScenario("head-sig-deleted") { $0.seed = seed; $0.hours = 5; $0.metadataSidecars = .none }
        defer { scenario.scratch.remove() }
        let deleted = try Self.deleteNewestDigestAndCoverItsTracks(scenario)
        let report = try scenario.verify { $0.headSignatures = [deleted.signatureHex] }
        let missing = try #require(report.digests.first { $0.verdict == .missing && $0.signatureSource == .headSignature })
        #expect(missing.problems.first?.detail.contains("signs no digest present") == true)
        #expect(missing.problems.first?.detail.contains("it verifies none of the") == true, "says what it was tried against")
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aHeadSignatureOfADigestPresentIsNoFinding() throws {
        let scenario = try TrailScenario("head-sig-present") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify { $0.headSignatures = [scenario.digests[3].signatureHex] }
        #expect(report.totals.exitStatus == 0)
    }

    @Test(arguments: [4, 9] as [UInt64])
    func coverageMustReachTheRequestedEndExactly(seed: UInt64) throws {
        let scenario = try TrailScenario("end-exact") { $0.seed = seed; $0.hours = 6 }
        defer { scenario.scratch.remove() }
        let deleted = try Self.deleteNewestDigestAndCoverItsTracks(scenario)
        let report = try scenario.verify { $0.end = deleted.endTime }
        let gap = try #require(report.gaps.first { $0.kind == .uncoveredEnd })
        #expect(gap.span.end == deleted.endTime)
        #expect(report.totals.exitStatus == 1)
        // The untouched trail with the same --end is clean.
        let clean = try TrailScenario("end-exact-clean") { $0.seed = seed; $0.hours = 6 }
        defer { clean.scratch.remove() }
        #expect(try clean.verify { $0.end = clean.digests[5].endTime }.totals.exitStatus == 0)
    }

    @Test func logFilesAfterTheNewestDigestAreFindingsOnceTheirDigestIsOverdue() throws {
        let scenario = try TrailScenario("overdue") { $0.hours = 5 }
        defer { scenario.scratch.remove() }
        let deleted = try Self.deleteNewestDigestAndCoverItsTracks(scenario)
        // Observed live, long after the trail's hours: the deleted digest's log files are overdue.
        let live = try scenario.verify { try $0.live(at: .now) }
        for key in deleted.logKeys { #expect(scenario.logFile(key, in: live)?.verdict == .unreferenced) }
        #expect(live.totals.exitStatus == 1)
        // Observed within the delivery deadline of their delivery, they may still be waiting.
        let early = try scenario.verify { try $0.live(at: deleted.endTime.adding(seconds: 600)) }
        for key in deleted.logKeys { #expect(scenario.logFile(key, in: early)?.verdict == .notYetCovered) }
        #expect(early.referenceTimeIsSet)
    }

    @Test(arguments: ["us-west-2", "account", "both"])
    func logFilesWhereNoDigestChainExistsAreFindingsNamedWithTheirLocation(_ place: String) throws {
        let scenario = try TrailScenario("no-chain-\(place)") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let original = scenario.trail.logFiles[0].key
        var forged = original
        if place != "account" { forged = forged.replacingOccurrences(of: "us-east-1", with: "us-west-2") }
        if place != "us-west-2" { forged = forged.replacingOccurrences(of: "111122223333", with: "999988887777") }
        try LocalFile.write(try scenario.trail.readObject(original), to: scenario.trail.path(of: forged))
        let report = try scenario.verify()
        let record = try #require(scenario.logFile(forged, in: report))
        #expect(record.verdict == .unreferenced)
        #expect(record.detail?.contains("no digest at all under") == true)
        #expect(record.detail?.contains(place == "us-west-2" ? "us-west-2" : "999988887777") == true)
        #expect(report.totals.exitStatus == 1)
    }

    /// Near-trail names, relative to a real log file's folder and name.
    static let strayNames: [(String, @Sendable (String, String) -> String)] = [
        ("extra underscore", { folder, name in folder + name.replacingOccurrences(of: "_CloudTrail_", with: "_CloudTrail__") }),
        (".json", { folder, name in folder + name.replacingOccurrences(of: ".json.gz", with: ".json") }),
        ("wrong case", { folder, name in folder + name.replacingOccurrences(of: "_CloudTrail_", with: "_cloudtrail_") }),
        ("no unique part", { folder, name in folder + String(name[..<name.range(of: "Z_")!.upperBound]) + ".json.gz" }),
        ("another account", { folder, name in folder + name.replacingOccurrences(of: "111122223333_", with: "999988887777_") }),
        ("a subfolder", { folder, name in folder + "extra/" + name }),
        ("any other file", { folder, _ in folder + "README.txt" }),
        ("a digest folder", { folder, name in folder.replacingOccurrences(of: "/CloudTrail/", with: "/CloudTrail-Digest/") + name }),
        ("a folder in the wrong case", { folder, name in folder.replacingOccurrences(of: "/CloudTrail/", with: "/cloudtrail/") + name }),
        ("a sidecar with no digest", { folder, name in folder.replacingOccurrences(of: "/CloudTrail/", with: "/CloudTrail-Digest/") + name + ".metadata.json" }),
    ]

    @Test(arguments: 0..<10)
    func objectsThatLookAlmostLikeTrailObjectsAreEachAFinding(_ index: Int) throws {
        let (label, make) = Self.strayNames[index]
        let scenario = try TrailScenario("stray-\(index)") { $0.hours = 3; $0.seed = UInt64(index) }
        defer { scenario.scratch.remove() }
        let real = scenario.trail.logFiles[0].key
        let slash = try #require(real.lastIndex(of: "/"))
        let stray = make(String(real[...slash]), String(real[real.index(after: slash)...]))
        try LocalFile.write(try scenario.trail.readObject(real), to: scenario.trail.path(of: stray))
        let report = try scenario.verify()
        #expect(report.objects.map(\.key) == [stray], "\(label)")
        #expect(report.objects.first?.verdict == .unexpected)
        #expect(report.totals.exitStatus == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func thousandsOfPlantedDigestsInTheirOwnChainsCostLinearTime() throws {
        let scenario = try TrailScenario("many-chains") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let model = scenario.digests[0]
        let count = 3000
        for index in 0..<count {
            let key = model.key.replacingOccurrences(of: "_management-events_", with: "_planted\(index)_")
            let json = "{\"awsAccountId\":\"111122223333\",\"digestStartTime\":\"2026-01-08T03:21:42Z\",\"digestEndTime\":\"\(model.endTime.iso8601)\",\"digestS3Bucket\":\"\(scenario.spec.bucket)\",\"digestS3Object\":\"\(key)\",\"digestPublicKeyFingerprint\":\"00\",\"digestSignatureAlgorithm\":\"SHA256withRSA\",\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,\"previousDigestHashValue\":null,\"previousDigestSignature\":null,\"logFiles\":[]}"
            try LocalFile.write(try Gzip.compress(Array(json.utf8)), to: scenario.trail.path(of: key))
        }
        let report = try scenario.verify()
        #expect(report.chains.count == count + 1)
        #expect(report.digests.filter { $0.verdict == .signatureUnavailable }.count == count)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func otherServicesFoldersStayIgnoredAndAreNamedInTheNotices() throws {
        let scenario = try TrailScenario("other-services") { $0.hours = 2 }
        defer { scenario.scratch.remove() }
        try LocalFile.write(Array("x".utf8), to: scenario.trail.path(of: "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/08/i.json.gz"))
        try LocalFile.write(Array("x".utf8), to: scenario.trail.path(of: "AWSLogs/111122223333/Config/us-east-1/c.json.gz"))
        let report = try scenario.verify()
        #expect(report.totals.exitStatus == 0)
        #expect(report.notices.contains(.objectsIgnored(folder: "AWSLogs/111122223333/CloudTrail-Insight/", count: 1)))
        #expect(report.notices.contains(.objectsIgnored(folder: "AWSLogs/111122223333/Config/", count: 1)))
    }
}

extension VerificationReport {
    var referenceTimeIsSet: Bool { scope.referenceTime != nil }
}
