import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A generated trail in its own scratch directory, with helpers to verify it.
struct TrailScenario {
    let scratch: ScratchDirectory
    let trail: GeneratedTrail
    let spec: TrailSpec

    /// Generates a trail from a spec adjusted by `configure` (small by default).
    init(_ label: String = "trail", configure: (inout TrailSpec) -> Void = { _ in }) throws {
        var spec = TrailSpec()
        spec.hours = 8
        spec.logFilesPerHour = 1...3
        spec.eventsPerLogFile = 2...6
        configure(&spec)
        self.spec = spec
        scratch = try ScratchDirectory(label)
        trail = try TrailGenerator.generate(spec, into: scratch.path)
    }

    var store: DirectoryStore { get throws { try DirectoryStore(root: trail.root) } }

    func keyRing() throws -> PublicKeyRing {
        PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(try LocalFile.readAll(trail.publicKeysFile, limit: 1 << 20),
                                                                   name: trail.publicKeysFile))
    }

    /// Verifies the trail's directory, planned as a library user plans a run, with the request
    /// adjusted by `configure`.
    func verify(_ configure: (inout RunRequest) throws -> Void = { _ in }) throws -> VerificationReport {
        try plan(configure).verify().report
    }

    /// The plan for the trail's directory with its key file's keys, the request adjusted by `configure`.
    func plan(_ configure: (inout RunRequest) throws -> Void = { _ in }) throws -> RunPlan {
        var request = RunRequest(source: .directory(path: trail.root))
        request.keyRing = (try keyRing(), [])
        try configure(&request)
        return try RunPlan.resolve(request)
    }

    var digests: [GeneratedDigest] { trail.primaryDigests }

    func digest(key: String?, in report: VerificationReport) -> DigestRecord? {
        report.digests.first { $0.key == key }
    }

    func logFile(_ key: String, in report: VerificationReport) -> LogFileRecord? {
        report.logFiles.first { $0.key == key }
    }

    /// The digest of the primary chain with logs, at `index` among those with logs.
    func digestWithLogs(_ index: Int) -> GeneratedDigest { trail.primaryDigestsWithLogs[index] }
}

extension RunRequest {
    /// The source read as a bucket in place (its time the run's own), the run's clock at `time`.
    mutating func live(at time: UTCTime) throws {
        if case .directory(let path) = source { source = .store(try DirectoryStore(root: path), isLive: true) }
        startedAt = time
    }
}

/// A verifier of `store` with `keys`, planned as a library user plans a run.
func plannedVerifier(_ store: ObjectStore, keys: PublicKeyRing, policy: VerificationOptions = VerificationOptions(),
                     _ configure: (inout RunRequest) throws -> Void = { _ in }) throws -> TrailVerifier {
    var request = RunRequest(source: .store(store, isLive: false), policy: policy)
    request.keyRing = (keys, [])
    try configure(&request)
    return TrailVerifier(plan: try RunPlan.resolve(request))
}

extension VerificationReport {
    /// Digest records that are not valid.
    var failingDigests: [DigestRecord] { digests.filter { $0.verdict != .valid } }
    /// Log records that are findings.
    var failingLogFiles: [LogFileRecord] { logFiles.filter { $0.verdict.isFinding } }
}
