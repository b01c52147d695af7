import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Conformance with the reference implementation: every scenario is also checked by
/// `aws cloudtrail validate-logs` against the same servers. For every digest and log file the
/// AWS CLI reports on, trailproof must agree on valid versus not valid (two documented
/// exceptions below), and trailproof must also report what the AWS CLI misses.
///
/// With TRAILPROOF_CONFORMANCE_TABLE_DIR set, each scenario writes its row of the README's
/// differences table there (`<scenario>.md`).
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct AWSCLIConformanceTests {
    @Test(arguments: TrailCase.allCases)
    func bothToolsAgreeOnWhatTheAWSCLIReportsAndTrailproofReportsWhatItMisses(_ scenario: TrailCase) throws {
        let trail = try scenario.prepare()
        defer { trail.remove() }
        // Every valid record listed (--list-valid): each object the AWS CLI names needs trailproof's verdict.
        let report = try trail.verifyInS3 { options in
            scenario.options(trail)(&options)
            options.policy.listsValidLogFiles = true
            options.policy.listsValidDigests = true
        }
        let runs = try awsCLIRuns(trail, scenario)

        // Same validity for every object the AWS CLI names; the known exceptions are exactly these.
        var disagreements: [String] = []
        for run in runs {
            for line in run.objects {
                let trailproofValid: Bool
                switch line.kind {
                case .digest:
                    let verdict = report.digestVerdict(bucket: line.bucket, key: line.key)
                    #expect(verdict != nil, "trailproof has no verdict on digest \(line.key)\n\(run)")
                    trailproofValid = verdict == .valid
                case .log:
                    let verdict = report.logVerdict(bucket: line.bucket, key: line.key)
                    #expect(verdict != nil, "trailproof has no verdict on log file \(line.key)\n\(run)")
                    trailproofValid = verdict == .valid
                }
                if trailproofValid != line.isValid { disagreements.append(line.key) }
            }
        }
        #expect(disagreements == expectedDisagreements(scenario, trail), "\(runs)")

        // An AWS CLI failure is always a trailproof failure; trailproof is never more lenient.
        if runs.contains(where: { $0.run.status != 0 }) && !scenario.disagreesWithAWSCLI {
            #expect(report.totals.exitStatus == 1)
        }
        #expect(!runs.isEmpty)
        #expect(runs.allSatisfy { !$0.foundNoDigests }, "the AWS CLI found the trail: \(runs)")
        #expect(runs.allSatisfy { $0.objects.contains { $0.kind == .digest } })

        // What trailproof reports that no AWS CLI line mentions.
        let missed = missedByAWSCLI(report, runs)
        #expect(Set(missed.map(\.kind)) == expectedMissed(scenario), "trailproof findings the AWS CLI did not report: \(missed)")
        try writeTableRow(scenario, runs: runs, report: report, missed: missed)
    }

    @Test func anOrganizationTrailGivenByBucketPassesSilentlyInTheAWSCLIButNotInTrailproof() throws {
        let trail = try TrailCase.organizationPrefix.prepare()
        defer { trail.remove() }
        let window = TrailCase.organizationPrefix.window(trail)
        // A digest deleted in the bucket after upload, through the AWS CLI.
        let delete = try ExternalCommand.run(["aws", "s3api", "delete-object", "--bucket", trail.bucket, "--key", trail.digests[1].key],
                                             environment: trail.awsProcessEnvironment)
        #expect(delete.status == 0, "\(delete)")

        let cli = try trail.awsValidateLogs(account: trail.spec.accounts[0], region: "us-east-1", start: window.start, end: window.end)
        #expect(cli.foundNoDigests)
        #expect(cli.run.status == 0, "a silent pass")
        #expect(cli.objects.isEmpty)

        let report = try trail.verifyInS3(prefix: trail.spec.keyPrefix)
        #expect(report.chains.count == 4)
        #expect(report.digestVerdict(bucket: trail.bucket, key: trail.digests[1].key) == .missing)
        #expect(report.totals.exitStatus == 1)
    }

    @Test func theAWSCLIChecksOnlyTheRegionItIsGivenWhileTrailproofChecksEveryRegion() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let window = TrailCase.multiAccountRegion.window(trail)
        let cli = try trail.awsValidateLogs(account: trail.spec.accounts[0], region: "us-east-1", start: window.start, end: window.end)
        let regionsSeen = Set(cli.objects.map { $0.key.split(separator: "/")[3] })
        #expect(regionsSeen == ["us-east-1"])
        #expect(cli.objects.allSatisfy { $0.key.hasPrefix("AWSLogs/\(trail.spec.accounts[0])/") })
        let report = try trail.verifyInS3()
        #expect(Set(report.chains.map(\.chain.location.region)) == ["us-east-1", "eu-west-2"])
        #expect(Set(report.chains.map(\.chain.location.accountID)) == Set(trail.spec.accounts))
    }

    // MARK: Helpers

    /// One AWS CLI run per account and region of the trail (it checks one chain per run).
    /// An organization trail is found through DescribeTrails/DescribeOrganization: given
    /// --s3-bucket, the AWS CLI finds no digests (see the test above).
    private func awsCLIRuns(_ trail: S3Trail, _ scenario: TrailCase) throws -> [AWSCLIValidation] {
        let window = scenario.window(trail)
        var runs: [AWSCLIValidation] = []
        for account in trail.spec.accounts {
            for region in trail.spec.regions {
                runs.append(try trail.awsValidateLogs(account: account, region: region, start: window.start, end: window.end,
                                                      givingBucket: trail.spec.organizationID == nil))
            }
        }
        return runs
    }

    /// Objects the AWS CLI calls invalid while trailproof proves them valid, or the reverse.
    private func expectedDisagreements(_ scenario: TrailCase, _ trail: S3Trail) -> [String] {
        switch scenario {
        case .strippedMiddleSignature:
            // No x-amz-meta-signature: "signature verification failed" for the AWS CLI; trailproof
            // takes the signature from the next digest's previousDigestSignature and verifies it.
            return [trail.digests[2].key]
        case .resignedDigest:
            // Re-signed with a valid key but no longer the digest its successor hashed: the AWS CLI
            // never checks previousDigestHashValue; trailproof reports hash-link-broken.
            return [trail.digestWithLogs(2).key]
        default:
            return []
        }
    }

    /// A trailproof finding (or notice) that no line of any AWS CLI run mentions.
    struct Missed: CustomStringConvertible {
        let kind: String
        let object: String
        var description: String { "\(kind) \(object)" }
    }

    private func missedByAWSCLI(_ report: VerificationReport, _ runs: [AWSCLIValidation]) -> [Missed] {
        let mentioned = Set(runs.flatMap { $0.objects.map(\.key) })
        var missed: [Missed] = []
        for record in report.digests where record.verdict != .valid {
            if let key = record.key, mentioned.contains(key) { continue }
            if let named = record.namedKey, mentioned.contains(named) { continue }
            missed.append(Missed(kind: "digest:\(record.verdict.rawValue)", object: record.key ?? "(inferred) \(record.span?.text ?? "")"))
        }
        for record in report.logFiles where record.verdict != .valid && !mentioned.contains(record.key) {
            missed.append(Missed(kind: "log:\(record.verdict.rawValue)", object: record.key))
        }
        let printedGaps = runs.contains { !$0.gapLines.isEmpty }
        for gap in report.gaps where !(gap.kind == .chainRestart && printedGaps) {
            missed.append(Missed(kind: "gap:\(gap.kind.rawValue)", object: gap.span.text))
        }
        return missed
    }

    /// What trailproof reports in each scenario that the AWS CLI does not.
    private func expectedMissed(_ scenario: TrailCase) -> Set<String> {
        switch scenario {
        case .modifiedDigest, .movedDigest, .unknownKey, .strippedNewestSignature: return ["log:unverified"]
        case .deletedDigest, .malformedDigest, .plantedLog, .resignedDigest: return ["log:unreferenced"]
        case .twoConsecutiveDeletedDigests: return ["digest:missing", "log:unreferenced"]
        case .notYetCovered: return ["log:not-yet-covered"]
        case .beforeFirstDigest: return ["log:before-first-digest"]
        case .deletedNewestWithLogs: return ["gap:uncovered-end"]
        case .valid, .modifiedLog, .deletedLog, .truncatedLog, .strippedMiddleSignature, .keyRotation, .chainRestart,
             .backfill, .multiAccountRegion, .organizationPrefix:
            return []
        }
    }

    /// Writes `| scenario | AWS CLI | trailproof |` to TRAILPROOF_CONFORMANCE_TABLE_DIR/<scenario>.md.
    private func writeTableRow(_ scenario: TrailCase, runs: [AWSCLIValidation], report: VerificationReport, missed: [Missed]) throws {
        guard let directory = ProcessInfo.processInfo.environment["TRAILPROOF_CONFORMANCE_TABLE_DIR"] else { return }
        func counted(_ items: [String]) -> String {
            var counts: [String: Int] = [:]
            for item in items { counts[item, default: 0] += 1 }
            return counts.sorted { $0.key < $1.key }.map { $0.value == 1 ? $0.key : "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        }
        let cliExit = runs.map(\.run.status).max() ?? 0
        var cli = counted(runs.flatMap(\.invalid).map { "\($0.kind == .digest ? "digest" : "log") \($0.status)" })
        if cli.isEmpty { cli = "all valid" }
        if runs.contains(where: { !$0.gapLines.isEmpty }) { cli += "; gap printed" }
        cli = "exit \(cliExit), \(runs.count) run\(runs.count == 1 ? "" : "s"): \(cli)"
        var ours = counted(report.digests.filter { $0.verdict != .valid }.map { "digest \($0.verdict.rawValue)" }
            + report.logFiles.filter { $0.verdict != .valid }.map { "log \($0.verdict.rawValue)" }
            + report.gaps.map { "gap \($0.kind.rawValue)" })
        if ours.isEmpty { ours = "all valid" }
        ours = "exit \(report.totals.exitStatus): \(ours)"
        if !missed.isEmpty { ours += "; not reported by the AWS CLI: \(counted(missed.map(\.kind)))" }
        try LocalFile.write(Array("| \(scenario.rawValue) | \(cli) | \(ours) |\n".utf8), to: "\(directory)/\(scenario.rawValue).md")
    }
}
