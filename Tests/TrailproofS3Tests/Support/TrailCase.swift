import Foundation
import Testing
import TrailproofKit
import TrailproofTrailGen

/// The scenarios of the local suite (Tests/TrailproofKitTests), each run again through S3 and
/// through the AWS CLI: how the trail is generated, how it is tampered with, what is expected.
enum TrailCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case valid
    case modifiedLog = "modified-log"
    case deletedLog = "deleted-log"
    case truncatedLog = "truncated-log"
    case modifiedDigest = "modified-digest"
    case deletedDigest = "deleted-digest"
    case movedDigest = "moved-digest"
    case malformedDigest = "malformed-digest"
    case twoConsecutiveDeletedDigests = "two-consecutive-deleted-digests"
    case strippedNewestSignature = "stripped-newest-signature"
    case strippedMiddleSignature = "stripped-middle-signature"
    case resignedDigest = "resigned-digest"
    case unknownKey = "unknown-key"
    case keyRotation = "key-rotation"
    case chainRestart = "chain-restart"
    case plantedLog = "planted-log"
    case notYetCovered = "not-yet-covered"
    case beforeFirstDigest = "before-first-digest"
    case deletedNewestWithLogs = "deleted-newest-with-logs"
    case backfill
    case multiAccountRegion = "multi-account-region"
    case organizationPrefix = "organization-prefix"

    var testDescription: String { rawValue }

    /// The trail's shape before tampering.
    func configure(_ spec: inout TrailSpec) {
        spec.seed = UInt64(TrailCase.allCases.firstIndex(of: self) ?? 0) + 100
        switch self {
        case .twoConsecutiveDeletedDigests, .deletedNewestWithLogs: spec.hours = 8
        case .unknownKey: spec.unknownKeyDigests = [3]
        case .keyRotation: spec.rotateKeyAtHour = 3
        case .chainRestart: spec.hours = 7; spec.stopLogging = (afterHour: 2, hours: 3)
        case .backfill: spec.hours = 9; spec.backfill = true
        case .multiAccountRegion:
            spec.hours = 3
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2"]
            spec.homeRegion = "eu-west-2"
        case .organizationPrefix:
            spec.hours = 3
            spec.accounts = ["111122223333", "444455556666"]
            spec.regions = ["us-east-1", "eu-west-2"]
            spec.organizationID = "o-a1b2c3d4e5"
            spec.keyPrefix = "cloudtrail/prod"
            spec.homeRegion = "eu-west-2"
        default: break
        }
    }

    /// Tampers with the generated trail (before upload).
    func tamper(_ trail: S3Trail) throws {
        let generated = trail.trail
        switch self {
        case .modifiedLog: try generated.modifyLogFile(generated.logFiles[1].key)
        case .deletedLog: try generated.deleteObject(generated.logFiles[1].key)
        case .truncatedLog: try generated.truncateObject(generated.logFiles[0].key)
        case .modifiedDigest: try generated.modifyDigest(trail.digestWithLogs(2).key)
        case .deletedDigest: try generated.deleteObject(trail.digestWithLogs(3).key)
        case .movedDigest:
            let target = trail.digestWithLogs(1)
            try generated.moveObject(target.key, to: TrailCase.movedKey(of: target))
        case .malformedDigest: try generated.overwriteObject(trail.digests[2].key, with: Array("not gzip at all".utf8))
        case .twoConsecutiveDeletedDigests:
            for digest in trail.digests[3..<5] { try generated.deleteObject(digest.key) }
        case .strippedNewestSignature:
            // Uploaded without x-amz-meta-signature: the newest digest's signature is nowhere.
            if let newest = trail.digests.last { try generated.stripSignature(newest.key) }
        case .strippedMiddleSignature: try generated.stripSignature(trail.digests[2].key)
        case .resignedDigest:
            // Re-signed with the real key (as by a key holder): the signature verifies, the links do not.
            try generated.rewriteDigest(trail.digestWithLogs(2).key, signer: try SigningAuthority.key(0)) { $0["logFiles"] = [] }
        case .plantedLog: try generated.plantLogFile(at: trail.digests[3].startTime.adding(seconds: 1200))
        case .notYetCovered:
            if let newest = trail.digests.last { try generated.plantLogFile(at: newest.endTime.adding(seconds: 900)) }
        case .beforeFirstDigest: try generated.plantLogFile(at: trail.digests[0].startTime.adding(seconds: -7200))
        case .deletedNewestWithLogs:
            for digest in trail.digests.suffix(3) {
                try generated.deleteObject(digest.key)
                for key in digest.logKeys { try generated.deleteObject(key) }
            }
        case .valid, .unknownKey, .keyRotation, .chainRestart, .backfill, .multiAccountRegion, .organizationPrefix: break
        }
    }

    /// Where `movedDigest` puts its digest: the same name one second later.
    static func movedKey(of digest: GeneratedDigest) -> String {
        digest.key.replacingOccurrences(of: digest.endTime.compact(withSeconds: true),
                                        with: digest.endTime.adding(seconds: 1).compact(withSeconds: true))
    }

    /// Options of the run (a window only where the scenario is about one).
    func options(_ trail: S3Trail) -> (inout RunRequest) -> Void {
        switch self {
        case .deletedNewestWithLogs:
            let (start, end) = (trail.digests[0].startTime, trail.digests[7].endTime)
            return { $0.start = start; $0.end = end }
        default:
            return { _ in }
        }
    }

    /// The window the AWS CLI is asked about: the run's window, else the whole trail.
    func window(_ trail: S3Trail) -> (start: UTCTime, end: UTCTime) {
        var chosen = RunRequest(source: .directory(path: trail.trail.root))
        options(trail)(&chosen)
        let allDigests = trail.trail.digests
        let first = allDigests.map(\.startTime).min() ?? trail.spec.start
        let last = allDigests.map(\.endTime).max() ?? trail.spec.start
        return (chosen.start ?? first, chosen.end ?? last)
    }

    /// Verdicts the report must contain ("digest:…", "log:…", "gap:…"), proving the tampering took.
    var expectedVerdicts: Set<String> {
        switch self {
        case .valid, .keyRotation, .backfill, .multiAccountRegion, .organizationPrefix: return []
        case .modifiedLog: return ["log:modified"]
        case .deletedLog: return ["log:missing"]
        case .truncatedLog: return ["log:unreadable"]
        case .modifiedDigest: return ["digest:signature-invalid", "log:unverified"]
        case .deletedDigest: return ["digest:missing", "log:unreferenced"]
        case .movedDigest: return ["digest:moved", "log:unverified"]
        case .malformedDigest: return ["digest:malformed", "log:unreferenced"]
        case .twoConsecutiveDeletedDigests: return ["digest:missing", "log:unreferenced"]
        case .strippedNewestSignature: return ["digest:signature-unavailable", "log:unverified"]
        case .strippedMiddleSignature: return []
        case .resignedDigest: return ["digest:hash-link-broken"]
        case .unknownKey: return ["digest:public-key-not-found", "log:unverified"]
        case .chainRestart: return ["gap:chain-restart"]
        case .plantedLog: return ["log:unreferenced"]
        case .notYetCovered: return ["log:not-yet-covered"]
        case .beforeFirstDigest: return ["log:before-first-digest"]
        case .deletedNewestWithLogs: return ["gap:uncovered-end"]
        }
    }

    /// trailproof's exit status (0 verified, 1 integrity problem).
    var expectedExitStatus: Int {
        expectedVerdicts.contains { !$0.hasSuffix("not-yet-covered") && !$0.hasSuffix("before-first-digest") } ? 1 : 0
    }

    /// Cases where trailproof and the AWS CLI knowingly disagree on an object the AWS CLI reports
    /// on (see `AWSCLIConformanceTests`): a signature recovered from the successor digest, and
    /// links that the AWS CLI never checks.
    var disagreesWithAWSCLI: Bool { self == .strippedMiddleSignature || self == .resignedDigest }

    /// Generates, tampers with and uploads this case's trail to `server`, and registers its keys.
    func prepare(on server: S3Server = .moto, sourceLocation: SourceLocation = #_sourceLocation) throws -> S3Trail {
        let trail = try S3Trail(rawValue, on: server) { configure(&$0) }
        do {
            try tamper(trail)
            try trail.upload(sourceLocation: sourceLocation)
            try trail.registerKeys()
            try trail.registerTrail()
        } catch {
            trail.remove()
            throw error
        }
        return trail
    }
}

extension VerificationReport {
    /// "digest:verdict", "log:verdict" and "gap:kind" for everything in the report.
    var verdictKinds: Set<String> {
        Set(digests.map { "digest:\($0.verdict.rawValue)" } + logFiles.map { "log:\($0.verdict.rawValue)" }
            + gaps.map { "gap:\($0.kind.rawValue)" })
    }

    /// trailproof's verdict on a digest key: the record found there, or the moved record naming it.
    func digestVerdict(bucket: String, key: String) -> DigestVerdict? {
        (digests.first { $0.key == key && ($0.bucket == nil || $0.bucket == bucket) }
            ?? digests.first { $0.namedKey == key })?.verdict
    }

    /// trailproof's verdict on a log file key.
    func logVerdict(bucket: String, key: String) -> LogFileVerdict? {
        logFiles.first { $0.key == key && $0.bucket == bucket }?.verdict
    }
}
