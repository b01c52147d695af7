import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

@Suite struct DigestFindingTests {
    @Test(arguments: [1, 7, 42] as [UInt64])
    func anUntouchedTrailVerifiesCompletely(seed: UInt64) throws {
        let scenario = try TrailScenario("valid") { $0.seed = seed; $0.hours = Int(seed % 5) + 4 }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(report.totals.digests == scenario.spec.hours)
        #expect(report.totals.digestsValid == scenario.spec.hours)
        #expect(report.totals.logFilesValid == scenario.trail.logFiles.count)
        #expect(report.digests.count == scenario.spec.hours)
        #expect(report.digests.allSatisfy { $0.signatureSource == .metadataFile })
        #expect(report.gaps.isEmpty)
        #expect(report.totals.exitStatus == 0)
    }

    @Test func aModifiedDigestFailsItsSignatureAndItsSuccessorConvictsIt() throws {
        let scenario = try TrailScenario("modified-digest")
        defer { scenario.scratch.remove() }
        let target = scenario.digestWithLogs(2)
        try scenario.trail.modifyDigest(target.key)
        let report = try scenario.verify()
        let record = try #require(scenario.digest(key: target.key, in: report))
        #expect(record.verdict == .signatureInvalid)
        #expect(record.problems.contains { $0.kind == .hashLinkBroken })
        #expect(report.failingDigests.count == 1, "the authentic successor stays valid")
        for key in target.logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unverified) }
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aMovedDigestIsReportedOnceAsMovedNotAlsoMissing() throws {
        let scenario = try TrailScenario("moved")
        defer { scenario.scratch.remove() }
        let target = scenario.digestWithLogs(1)
        let newKey = target.key.replacingOccurrences(of: target.endTime.compact(withSeconds: true),
                                                     with: target.endTime.adding(seconds: 1).compact(withSeconds: true))
        try scenario.trail.moveObject(target.key, to: newKey)
        let report = try scenario.verify()
        let record = try #require(scenario.digest(key: newKey, in: report))
        #expect(record.verdict == .moved)
        #expect(record.namedKey == target.key)
        #expect(!report.digests.contains { $0.verdict == .missing })
        #expect(report.failingDigests.count == 1)
        for key in target.logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unverified) }
    }

    /// A genuine digest copied under another name (its signature with it) is moved, and the log
    /// files it lists are judged once, by the original: not also unverified, counted twice.
    /// Copied into the next day's folder, the copy lies in another group of days when the
    /// location is cut by date folder, and is still no second record.
    @Test(arguments: [(seed: UInt64(3), modifies: false, nextDay: false), (seed: 8, modifies: true, nextDay: false),
                      (seed: 21, modifies: true, nextDay: true), (seed: 30, modifies: false, nextDay: true)])
    func aDigestCopiedUnderAnotherNameIsMovedAndItsLogFilesAreJudgedOnce(_ run: (seed: UInt64, modifies: Bool, nextDay: Bool)) throws {
        let scenario = try TrailScenario("copied-\(run.seed)") { $0.seed = run.seed; $0.hours = 30 }
        defer { scenario.scratch.remove() }
        let firstDay = scenario.digests[0].endTime.keyDatePath
        let target = run.nextDay
            ? try #require(scenario.trail.primaryDigestsWithLogs.last { $0.endTime.keyDatePath.sameBytes(as: firstDay) })
            : scenario.digestWithLogs(Int(run.seed % 5))
        // The copy's name ends a second later, or a second after the next midnight, in that day's folder.
        let midnight = UTCTime(secondsSinceEpoch: (target.endTime.secondsSinceEpoch / 86_400 + 1) * 86_400)
        let copyEnd = run.nextDay ? midnight.adding(seconds: 1) : target.endTime.adding(seconds: 1)
        let copy = target.key.replacingOccurrences(of: target.endTime.compact(withSeconds: true), with: copyEnd.compact(withSeconds: true))
            .replacingOccurrences(of: "/\(target.endTime.keyDatePath)/", with: "/\(copyEnd.keyDatePath)/")
        #expect(!copy.sameBytes(as: target.key))
        try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: target.key), limit: 1 << 24), to: scenario.trail.path(of: copy))
        try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: target.key) + SavedSignature.sidecarSuffix, limit: 1 << 20),
                            to: scenario.trail.path(of: copy) + SavedSignature.sidecarSuffix)
        if run.modifies { try scenario.trail.modifyLogFile(target.logKeys[0]) }
        let whole = try scenario.verify { $0.listEveryValidRecord() }
        #expect(scenario.digest(key: copy, in: whole)?.verdict == .moved)
        #expect(scenario.digest(key: target.key, in: whole)?.verdict == .valid)
        #expect(whole.logFiles.count == scenario.trail.logFiles.count, "one record per log file")
        #expect(whole.totals.logFiles == scenario.trail.logFiles.count)
        for key in target.logKeys {
            let records = whole.logFiles.filter { $0.key.sameBytes(as: key) }
            #expect(records.count == 1 && records.first?.digest?.sameBytes(as: target.key) == true)
            #expect(records.first?.verdict == (run.modifies && key.sameBytes(as: target.logKeys[0]) ? .modified : .valid))
        }
        #expect(whole.totals.exitStatus == 1)
        // The same when the location is cut by date folder.
        let cut = try scenario.verify { $0.listEveryValidRecord(); $0.policy.batchObjectLimit = 1 }
        #expect(try JSONReport.encode(cut) == JSONReport.encode(whole))
    }

    /// A genuine digest moved to two other names (both moved, the original gone): each copy
    /// lists the same log files, which are unverified once, under the copy first in byte order,
    /// not once per copy; the same when the location is cut by date folder, and in the lines a
    /// run prints as it goes. Found by fuzzing `--state --recheck`, where it was reported twice.
    @Test(arguments: [(seed: UInt64(4), copies: 2), (seed: 17, copies: 3)])
    func aDigestMovedToSeveralNamesLeavesOneUnverifiedRecordPerLogFile(_ run: (seed: UInt64, copies: Int)) throws {
        let scenario = try TrailScenario("moved-twice-\(run.seed)") { $0.seed = run.seed; $0.hours = 30 }
        defer { scenario.scratch.remove() }
        let target = scenario.digestWithLogs(Int(run.seed % 5))
        let copies = (1...run.copies).map { offset in
            target.key.replacingOccurrences(of: target.endTime.compact(withSeconds: true),
                                            with: target.endTime.adding(seconds: Int64(offset)).compact(withSeconds: true))
        }
        for copy in copies {
            try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: target.key), limit: 1 << 24), to: scenario.trail.path(of: copy))
            try LocalFile.write(try LocalFile.readAll(scenario.trail.path(of: target.key) + SavedSignature.sidecarSuffix, limit: 1 << 20),
                                to: scenario.trail.path(of: copy) + SavedSignature.sidecarSuffix)
        }
        try scenario.trail.deleteObject(target.key)
        let whole = try scenario.verify { $0.listEveryValidRecord() }
        for copy in copies { #expect(scenario.digest(key: copy, in: whole)?.verdict == .moved) }
        #expect(whole.logFiles.count == scenario.trail.logFiles.count, "one record per log file")
        #expect(whole.totals.logFilesByVerdict[LogFileVerdict.unverified.rawValue] == target.logKeys.count)
        let first = try #require(copies.min { $0.bytesPrecede($1) })
        for key in target.logKeys {
            let records = whole.logFiles.filter { $0.key.sameBytes(as: key) }
            #expect(records.count == 1 && records.first?.verdict == .unverified)
            #expect(records.first?.digest?.sameBytes(as: first) == true)
        }
        ReportCountsTests.expectCountsAddUp(whole)
        let cut = try scenario.verify { $0.listEveryValidRecord(); $0.policy.batchObjectLimit = 1 }
        #expect(try JSONReport.encode(cut) == JSONReport.encode(whole))
        #expect(TextReport(whole, verbose: false).findings.filter { $0.contains("log-file unverified") }.count == target.logKeys.count)
    }

    @Test func aDigestFromAnotherBucketIsMoved() throws {
        let scenario = try TrailScenario("other-bucket") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify { $0.bucket = "some-other-bucket" }
        #expect(report.digests.count == scenario.digests.count)
        #expect(report.digests.allSatisfy { $0.verdict == .moved })
        #expect(report.logFiles.count == scenario.trail.logFiles.count)
        #expect(report.logFiles.allSatisfy { $0.verdict == .unverified })
    }

    @Test func aDeletedDigestIsMissingAndItsLogFilesAreUnreferenced() throws {
        let scenario = try TrailScenario("deleted")
        defer { scenario.scratch.remove() }
        let target = scenario.digestWithLogs(3)
        try scenario.trail.deleteObject(target.key)
        let report = try scenario.verify()
        let record = try #require(scenario.digest(key: target.key, in: report))
        #expect(record.verdict == .missing)
        #expect(record.inferred == false)
        #expect(record.referencedBy != nil)
        for key in target.logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unreferenced) }
        #expect(report.totals.exitStatus == 1)
    }

    @Test(arguments: [2, 3, 5])
    func everyOneOfSeveralConsecutiveDeletedDigestsIsReported(count: Int) throws {
        let scenario = try TrailScenario("consecutive") { $0.hours = 10; $0.seed = UInt64(count) }
        defer { scenario.scratch.remove() }
        let deleted = Array(scenario.digests[3..<(3 + count)])
        for digest in deleted { try scenario.trail.deleteObject(digest.key) }
        let report = try scenario.verify()
        let missing = report.digests.filter { $0.verdict == .missing }
        // The deleted digest the chain names is one record; the hours before it are one record
        // for the whole span, with its count of hours.
        #expect(missing.filter { !$0.inferred }.compactMap(\.key) == [deleted.last!.key])
        let inferred = try #require(missing.first { $0.inferred })
        #expect(missing.count == 2)
        #expect(inferred.hours == count - 1)
        #expect(report.totals.missingDigestHours == count)
        let span = try #require(inferred.span)
        #expect(abs(span.start.secondsSinceEpoch - scenario.digests[2].endTime.secondsSinceEpoch) < 60)
        #expect(abs(span.end.secondsSinceEpoch - deleted[count - 2].endTime.secondsSinceEpoch) < 60)
    }

    @Test func aStrippedSignatureOfAMiddleDigestIsRecoveredFromItsSuccessor() throws {
        let scenario = try TrailScenario("stripped-middle")
        defer { scenario.scratch.remove() }
        let target = scenario.digests[2]
        try scenario.trail.stripSignature(target.key)
        let report = try scenario.verify { $0.listEveryValidRecord() }
        let record = try #require(scenario.digest(key: target.key, in: report))
        #expect(record.verdict == .valid)
        #expect(record.signatureSource == .successorDigest)
    }

    @Test func theNewestDigestWithoutAnySignatureIsUnavailableNeverValid() throws {
        let scenario = try TrailScenario("stripped-head")
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last)
        try scenario.trail.stripSignature(newest.key)
        let report = try scenario.verify()
        #expect(scenario.digest(key: newest.key, in: report)?.verdict == .signatureUnavailable)
        for key in newest.logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unverified) }
        #expect(report.totals.exitStatus == 1)
    }

    @Test func aPlainSyncCopyVerifiesThroughTheChainAndTheHeadSignature() throws {
        let scenario = try TrailScenario("sync-copy") { $0.metadataSidecars = .none }
        defer { scenario.scratch.remove() }
        let withoutHead = try scenario.verify { $0.listEveryValidRecord() }
        #expect(withoutHead.failingDigests.map(\.key) == [scenario.digests.last?.key])
        #expect(withoutHead.digests.filter { $0.signatureSource == .successorDigest }.count == scenario.digests.count - 1)

        let newest = try #require(scenario.digests.last)
        let withHead = try scenario.verify { $0.listEveryValidRecord(); $0.headSignatures = [newest.signatureHex] }
        #expect(withHead.totals.exitStatus == 0)
        #expect(scenario.digest(key: newest.key, in: withHead)?.signatureSource == .headSignature)
    }

    @Test func aWrongHeadSignatureMakesTheNewestDigestInvalid() throws {
        let scenario = try TrailScenario("bad-head") { $0.metadataSidecars = .none }
        defer { scenario.scratch.remove() }
        let wrong = scenario.digests[0].signatureHex
        let report = try scenario.verify { $0.headSignatures = [wrong] }
        #expect(scenario.digest(key: scenario.digests.last?.key, in: report)?.verdict == .signatureInvalid)
    }

    @Test func extendedAttributesAreASignatureSource() throws {
        let scenario = try TrailScenario("xattr") { $0.metadataSidecars = .none; $0.extendedAttributes = true }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(report.totals.exitStatus == 0)
        #expect(report.digests.count == scenario.digests.count)
        #expect(report.digests.allSatisfy { $0.signatureSource == .extendedAttribute })
    }

    @Test func aBareSignatureSidecarIsAccepted() throws {
        let scenario = try TrailScenario("bare-sidecar") { $0.metadataSidecars = .none; $0.hours = 2 }
        defer { scenario.scratch.remove() }
        let newest = try #require(scenario.digests.last)
        try LocalFile.write(Array("{\"signature\": \"\(newest.signatureHex)\", \"signature-algorithm\": \"SHA256withRSA\"}".utf8),
                            to: scenario.trail.path(of: newest.key) + ".metadata.json")
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(report.totals.exitStatus == 0)
        #expect(scenario.digest(key: newest.key, in: report)?.signatureSource == .metadataFile)
    }

    @Test func aDigestSignedWithAnUnknownKeyHasNoPublicKey() throws {
        let scenario = try TrailScenario("unknown-key") { $0.unknownKeyDigests = [3] }
        defer { scenario.scratch.remove() }
        let report = try scenario.verify()
        let record = try #require(scenario.digest(key: scenario.digests[3].key, in: report))
        #expect(record.verdict == .publicKeyNotFound)
        #expect(report.failingDigests.count == 1)
        for key in scenario.digests[3].logKeys { #expect(scenario.logFile(key, in: report)?.verdict == .unverified) }
    }

    @Test func keyRotationMidChainVerifiesWithBothKeysAndFailsWithOnlyTheOld() throws {
        let scenario = try TrailScenario("rotation") { $0.rotateKeyAtHour = 4 }
        defer { scenario.scratch.remove() }
        let ring = try scenario.keyRing()
        #expect(ring.count == 2)
        #expect(try scenario.verify().totals.exitStatus == 0)

        let oldKey = try #require(ring.keys.first { $0.fingerprint == (try? SigningAuthority.key(0).fingerprint) })
        let report = try plannedVerifier(try scenario.store, keys: PublicKeyRing(keys: [oldKey])).run()
        let failing = report.failingDigests
        #expect(failing.count == scenario.digests.count - 4)
        #expect(!failing.isEmpty)
        #expect(failing.allSatisfy { $0.verdict == .publicKeyNotFound })
    }

    @Test func aKeyOutsideItsValidityWindowIsNotUsed() throws {
        let scenario = try TrailScenario("window") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let key = try SigningAuthority.key(0)
        let late = try #require(UTCTime(parsing: "2027-01-01T00:00:00Z"))
        let json = SigningAuthority.listPublicKeysJSON([(key, TimeSpan(start: late, end: late.adding(seconds: 86_400)))])
        let ring = PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(json, name: "late.json"))
        let report = try plannedVerifier(try scenario.store, keys: ring).run()
        #expect(report.digests.count == scenario.digests.count)
        #expect(report.digests.allSatisfy { $0.verdict == .publicKeyNotFound })
        #expect(report.digests.first?.problems.first?.detail.contains("not when") == true)
    }

    @Test func aReplacedDigestBreaksBothLinksOfItsAuthenticSuccessor() throws {
        let scenario = try TrailScenario("links")
        defer { scenario.scratch.remove() }
        // Re-signed with the real key (as if by a key holder): the signature verifies, the links do not.
        let target = scenario.digestWithLogs(2)
        try scenario.trail.rewriteDigest(target.key, signer: try SigningAuthority.key(0)) { json in
            json["logFiles"] = []
        }
        let report = try scenario.verify()
        let record = try #require(scenario.digest(key: target.key, in: report))
        #expect(Set(record.problems.map(\.kind)) == [.hashLinkBroken, .signatureLinkBroken])
        #expect(record.verdict == .hashLinkBroken)
        #expect(report.failingDigests.count == 1)
    }

    @Test func aForgedDigestCannotBlameItsPredecessor() throws {
        let scenario = try TrailScenario("forged-successor") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let successor = scenario.digests[2]
        // A changed previousDigestHashValue without a valid signature proves nothing about digest 1.
        try scenario.trail.rewriteDigest(successor.key, signer: try SigningAuthority.key(5)) { json in
            json["previousDigestHashValue"] = String(repeating: "0", count: 64)
        }
        try scenario.trail.stripSignature(successor.key)
        let report = try scenario.verify { $0.listEveryValidRecord() }
        #expect(scenario.digest(key: scenario.digests[1].key, in: report)?.verdict == .valid)
        let record = try #require(scenario.digest(key: successor.key, in: report))
        #expect(record.problems.contains { $0.kind == .hashLinkBroken })
    }

    @Test(arguments: ["garbage", "gzip-of-text", "missing-fields", "truncated", "partial-previous"])
    func aMalformedDigestIsAFindingNotACrash(kind: String) throws {
        let scenario = try TrailScenario("malformed-\(kind)") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        let target = scenario.digests[2]
        switch kind {
        case "garbage": try scenario.trail.overwriteObject(target.key, with: Array("not gzip at all".utf8))
        case "gzip-of-text": try scenario.trail.overwriteObject(target.key, with: try Gzip.compress(Array("{\"awsAccountId\": ".utf8)))
        case "missing-fields": try scenario.trail.overwriteObject(target.key, with: try Gzip.compress(Array("{\"awsAccountId\": \"111122223333\"}".utf8)))
        case "truncated": try scenario.trail.truncateObject(target.key)
        default:
            try scenario.trail.rewriteDigest(target.key, signer: try SigningAuthority.key(0)) { json in
                json["previousDigestSignature"] = NSNull()
            }
        }
        let report = try scenario.verify()
        #expect(scenario.digest(key: target.key, in: report)?.verdict == .malformed)
        // Its list cannot be read, so its log files are listed by no readable digest.
        for key in target.logKeys {
            let record = scenario.logFile(key, in: report)
            #expect(record?.verdict == .unreferenced)
            #expect(record?.detail?.contains("\(target.key), is malformed") == true)
        }
        #expect(report.totals.exitStatus == 1)
    }

    @Test func anEnormousDigestIsRefusedWithinTheSizeLimit() throws {
        let scenario = try TrailScenario("bomb") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        let target = scenario.digests[1]
        try scenario.trail.overwriteObject(target.key, with: try Gzip.compress([UInt8](repeating: 0x20, count: 64 << 20), level: 9))
        let report = try scenario.verify { $0.policy.digestSizeLimit = 1 << 20 }
        let record = try #require(scenario.digest(key: target.key, in: report))
        #expect(record.verdict == .malformed)
        #expect(record.problems.first?.detail.contains("limit") == true)
    }
}
