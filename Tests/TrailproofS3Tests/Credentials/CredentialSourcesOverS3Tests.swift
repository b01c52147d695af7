import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The main job, verifying in place in S3, signed with credentials from sources other than
/// static keys, and the report naming every authority the run trusted (issue 17, section 3).
@Suite(.enabled(if: S3TestServers.available && CredentialServers.available, "run through scripts/test"))
struct CredentialSourcesOverS3Tests {
    /// No static keys: what a platform gives, plus STS at moto.
    func platformEnvironment(_ trail: S3Trail, _ extra: [String: String?]) -> [String: String?] {
        var environment: [String: String?] = ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_ENDPOINT_URL_STS": CredentialServers.sts]
        environment.merge(extra) { $1 }
        return environment
    }

    @Test func aBatchJobRoleVerifiesInPlaceAndTheReportNamesTheSourceIdentityAndOverrides() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let environment = platformEnvironment(trail, ["AWS_CONTAINER_CREDENTIALS_FULL_URI": (CredentialServers.endpoints ?? "") + "/container/ok"])
        let json = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.trail.publicKeysFile, "--format", "json"],
                                        environment: environment)
        #expect(json.status == 0, "\(json)")
        let report = try JSONDecoder().decode(VerificationReport.self, from: Data(json.stdout.utf8))
        let authorities = try #require(report.scope.authorities)
        #expect(authorities.credentialSource == "container credentials")
        #expect(authorities.callerAccount == "123456789012" && authorities.callerARN?.hasPrefix("arn:aws:sts::123456789012:") == true)
        #expect(authorities.endpointOverride)
        #expect(authorities.endpoints.map(\.service) == ["s3", "sts"])
        #expect(authorities.endpoints.allSatisfy { !$0.awsOwned })

        let text = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.trail.publicKeysFile], environment: environment)
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("Signed in as: \(authorities.callerARN ?? "?") (account 123456789012), credentials from container credentials"), "\(text)")
        #expect(text.stdout.contains("WARNING: endpoint override: s3 at \(trail.s3Endpoint)"), "\(text)")
        for secret in ["ok-secret", "ok-session-token"] {
            #expect(!text.stdout.contains(secret) && !text.stderr.contains(secret) && !json.stdout.contains(secret))
        }
    }

    @Test func anAssumeRoleProfileVerifiesInPlaceAsTheRole() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        try LocalFile.write(Array("""
            [profile audit]
            role_arn = arn:aws:iam::123456789012:role/auditor
            source_profile = base
            role_session_name = trailproof-audit
            [profile base]
            aws_access_key_id = AKIABASE
            aws_secret_access_key = base-secret
            """.utf8), to: trail.scratch.path + "/aws-config")
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.trail.publicKeysFile, "--profile", "audit",
                                        "--format", "json"],
                                       environment: platformEnvironment(trail, ["AWS_CONFIG_FILE": trail.scratch.path + "/aws-config"]))
        #expect(run.status == 0, "\(run)")
        let report = try JSONDecoder().decode(VerificationReport.self, from: Data(run.stdout.utf8))
        #expect(report.scope.authorities?.credentialSource == "assume-role profile audit")
        #expect(report.scope.authorities?.callerARN == "arn:aws:sts::123456789012:assumed-role/auditor/trailproof-audit")
        #expect(!run.stdout.contains("base-secret") && !run.stderr.contains("base-secret"))
    }

    @Test func aCredentialProcessSignsTheRunAndItsStandardErrorIsPassedThrough() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let helper = trail.scratch.path + "/helper with space.py"
        try LocalFile.write(Array("""
            import os, sys
            sys.stderr.write("helper: signed in as " + sys.argv[1] + "\\n")
            sys.stderr.write("helper: GLIBC_TUNABLES " + os.environ.get("GLIBC_TUNABLES", "unset") + "\\n")
            print('{"Version": 1, "AccessKeyId": "AKIAHELPER", "SecretAccessKey": "helper-secret"}')
            """.utf8), to: helper)
        try LocalFile.write(Array("[profile tool]\ncredential_process = python3 \"\(helper)\" 'the auditor'\n".utf8), to: trail.scratch.path + "/aws-config")
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.trail.publicKeysFile],
                                       environment: platformEnvironment(trail, ["AWS_CONFIG_FILE": trail.scratch.path + "/aws-config", "AWS_PROFILE": "tool",
                                                                                "GLIBC_TUNABLES": nil]))
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("helper: signed in as the auditor"), "\(run)")
        // The run started again with glibc's thread caches off (over S3); the helper it runs gets
        // the environment as the user set it, with the user's own setting when there is one.
        #expect(run.stderr.contains("helper: GLIBC_TUNABLES unset\n"), "\(run)")
        let tuned = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.trail.publicKeysFile],
                                         environment: platformEnvironment(trail, ["AWS_CONFIG_FILE": trail.scratch.path + "/aws-config", "AWS_PROFILE": "tool",
                                                                                  "GLIBC_TUNABLES": "glibc.malloc.arena_max=3"]))
        #expect(tuned.status == 0, "\(tuned)")
        #expect(tuned.stderr.contains("helper: GLIBC_TUNABLES glibc.malloc.arena_max=3\n"), "\(tuned)")
        #expect(run.stdout.contains("credentials from credential_process of profile tool"), "\(run)")
        #expect(!run.stdout.contains("helper-secret") && !run.stderr.contains("helper-secret"))
    }

    @Test func withNoSourceTheErrorListsEverySourceAndWhy() throws {
        let trail = try TrailCase.multiAccountRegion.prepare()
        defer { trail.remove() }
        let run = try trail.trailproof(["verify", "s3://\(trail.bucket)", "--public-keys", trail.trail.publicKeysFile],
                                       environment: platformEnvironment(trail, [:]))
        #expect(run.status == 2, "\(run)")
        for line in ["environment: AWS_ACCESS_KEY_ID is not set", "container credentials: neither", "instance role: AWS_EC2_METADATA_DISABLED is true"] {
            #expect(run.stderr.contains(line), "\(run)")
        }
    }
}
