import Foundation
import Testing
import TrailproofTestSupport
import TrailproofTrailGen

/// `trailproof keys` against the CloudTrail stand-in, its whole output pinned in
/// Tests/Fixtures/expected/keys-us-east-1.txt (see PinnedOutputTests in the CLI tests; re-pin with
/// TRAILPROOF_REPIN=1 through scripts/test-servers.sh). The signing keys are generated afresh by
/// each test process, so each key's fingerprint and value are replaced by its place in
/// SigningAuthority's pool; the stand-in's endpoint, a free port, by a name.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct PinnedKeysOutputTests {
    @Test func keysPrintsExactlyThis() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let window = TrailCase.multiAccountRegion.window(trail)
        let run = try trail.trailproof(["keys", "--region", "us-east-1", "--start", window.start.iso8601, "--end", window.end.iso8601])
        #expect(run.status == 0, "\(run)")
        let fingerprints = try #require(trail.fingerprintsByRegion["us-east-1"])
        #expect(!fingerprints.isEmpty)
        var normalisation = OutputNormalisation()
            .replacing(trail.cloudTrailEndpoint, with: "$CLOUDTRAIL_ENDPOINT")
            .replacing(trail.s3Endpoint, with: "$S3_ENDPOINT")
        var named = 0
        for index in 0..<8 {
            let key = try SigningAuthority.key(index)
            guard fingerprints.contains(key.fingerprint) else { continue }
            let base64 = Data(key.publicDER).base64EncodedString()
            normalisation = normalisation.replacing(key.fingerprint, with: "$KEY\(index)_FINGERPRINT")
                .replacing(base64, with: "$KEY\(index)_PUBLIC_DER_BASE64")
                // As JSON writes it, with each / escaped.
                .replacing(base64.replacingOccurrences(of: "/", with: "\\/"), with: "$KEY\(index)_PUBLIC_DER_BASE64")
            named += 1
        }
        #expect(named == fingerprints.count, "every key of the region is one of the pool's first eight")
        let text = "$ trailproof \(run.arguments.joined(separator: " "))\nexit status \(run.status)\n"
            + "--- stdout\n\(run.stdout)--- stderr\n\(run.stderr)"
        ExpectedOutput.expect(normalisation.apply(text), equalsFile: "keys-us-east-1.txt")
    }
}
