import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// What a credential chain gave.
enum CredentialOutcome: Equatable, Sendable, CustomStringConvertible {
    /// Credentials with this access key id.
    case key(String)
    /// Temporary credentials whose GetCallerIdentity ARN is this (STS makes up the key id).
    case arn(String)
    /// A source applied and failed (botocore raises).
    case failure
    /// No source applied (botocore's get_credentials() returns None).
    case none

    var description: String {
        switch self {
        case .key(let id): return "key \(id)"
        case .arn(let arn): return "identity \(arn)"
        case .failure: return "an error"
        case .none: return "no credentials"
        }
    }
}

/// One setting of files and environment, resolved by botocore and by trailproof.
/// In texts, `{S}` is the scratch directory, `{STS}` moto's STS and `{C}` the credential stand-ins.
struct CredentialScenario: Sendable, CustomTestStringConvertible {
    let name: String
    var config = ""
    var credentials = ""
    var environment: [String: String] = [:]
    var profileFlag: String?
    /// Files to write under {S}.
    var files: [String: String] = [:]
    /// IAM Identity Center tokens to cache: key (session name or start URL) → (token, seconds left).
    var ssoTokens: [String: (String, Int64)] = [:]
    let expected: CredentialOutcome

    var testDescription: String { name }

    static let account = "123456789012"
    static let keys = "aws_access_key_id = AKIASTATIC\naws_secret_access_key = static-secret\n"
    static let process = #"{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "process-secret"}"#

    static let all: [CredentialScenario] = [
        CredentialScenario(name: "environment keys with a session token", environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token"], expected: .key("AKIAENV")),
        CredentialScenario(name: "environment keys win over the default profile",
                           credentials: "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n",
                           environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], expected: .key("AKIAENV")),
        CredentialScenario(name: "AWS_PROFILE does not disable the environment's keys",
                           credentials: "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n",
                           environment: ["AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], expected: .key("AKIAENV")),
        CredentialScenario(name: "--profile disables the environment's keys",
                           credentials: "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n",
                           environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], profileFlag: "dev", expected: .key("AKIADEV")),
        CredentialScenario(name: "environment key id without its secret is an error",
                           credentials: "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n",
                           environment: ["AWS_ACCESS_KEY_ID": "AKIAENV"], expected: .failure),
        CredentialScenario(name: "credentials file wins over keys in the config file",
                           config: "[profile dev]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
                           credentials: "[dev]\naws_access_key_id = AKIACREDFILE\naws_secret_access_key = s\n",
                           environment: ["AWS_PROFILE": "dev"], expected: .key("AKIACREDFILE")),
        CredentialScenario(name: "keys in the config file alone", config: "[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
                           expected: .key("AKIACONFIG")),
        CredentialScenario(name: "credential_process wins over keys in the config file",
                           config: "[default]\ncredential_process = python3 \"{S}/process.py\" --ignored 'two words'\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
                           files: ["process.py": "print('\(process)')\n"], expected: .key("AKIAPROCESS")),
        CredentialScenario(name: "credentials file wins over credential_process",
                           config: "[default]\ncredential_process = python3 {S}/process.py\n",
                           credentials: "[default]\naws_access_key_id = AKIACREDFILE\naws_secret_access_key = s\n",
                           files: ["process.py": "print('\(process)')\n"], expected: .key("AKIACREDFILE")),
        CredentialScenario(name: "credential_process with an unknown Version is an error, not skipped",
                           config: "[default]\ncredential_process = python3 {S}/process.py\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
                           files: ["process.py": "print('{\"Version\": 2, \"AccessKeyId\": \"AKIAPROCESS\", \"SecretAccessKey\": \"x\"}')\n"],
                           expected: .failure),
        CredentialScenario(name: "credential_process that fails is an error, not skipped",
                           config: "[default]\ncredential_process = python3 {S}/process.py\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
                           files: ["process.py": "import sys\nsys.exit(3)\n"], expected: .failure),
        CredentialScenario(name: "assume role from a source profile",
                           config: "[profile audit]\nrole_arn = arn:aws:iam::\(account):role/auditor\nsource_profile = base\nrole_session_name = tp-audit\n",
                           credentials: "[base]\n\(keys)", profileFlag: "audit", expected: .arn("arn:aws:sts::\(account):assumed-role/auditor/tp-audit")),
        CredentialScenario(name: "assume-role profile chained three deep via AWS_PROFILE",
                           config: """
                               [profile a]
                               role_arn = arn:aws:iam::\(account):role/role-a
                               source_profile = b
                               role_session_name = sess-a
                               external_id = ext-1
                               duration_seconds = 1800
                               [profile b]
                               role_arn = arn:aws:iam::\(account):role/role-b
                               source_profile = c
                               role_session_name = sess-b
                               [profile c]
                               \(keys)
                               """, environment: ["AWS_PROFILE": "a"], expected: .arn("arn:aws:sts::\(account):assumed-role/role-a/sess-a")),
        CredentialScenario(name: "environment keys win over an assume-role profile",
                           config: "[default]\nrole_arn = arn:aws:iam::\(account):role/r\nsource_profile = base\n[profile base]\n\(keys)",
                           environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], expected: .key("AKIAENV")),
        CredentialScenario(name: "a source_profile cycle is an error",
                           config: "[profile a]\nrole_arn = arn:aws:iam::\(account):role/ra\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::\(account):role/rb\nsource_profile = a\n",
                           profileFlag: "a", expected: .failure),
        CredentialScenario(name: "a missing source_profile is an error",
                           config: "[profile a]\nrole_arn = arn:aws:iam::\(account):role/ra\nsource_profile = nowhere\n", profileFlag: "a", expected: .failure),
        CredentialScenario(name: "credential_source Environment",
                           config: "[profile ci]\nrole_arn = arn:aws:iam::\(account):role/ci\ncredential_source = Environment\nrole_session_name = ci-run\n",
                           environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], profileFlag: "ci",
                           expected: .arn("arn:aws:sts::\(account):assumed-role/ci/ci-run")),
        CredentialScenario(name: "credential_source EcsContainer",
                           config: "[profile task]\nrole_arn = arn:aws:iam::\(account):role/task-role\ncredential_source = EcsContainer\nrole_session_name = task-run\n",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/ok"], profileFlag: "task",
                           expected: .arn("arn:aws:sts::\(account):assumed-role/task-role/task-run")),
        CredentialScenario(name: "credential_source Ec2InstanceMetadata",
                           config: "[profile ec2]\nrole_arn = arn:aws:iam::\(account):role/ec2-role\ncredential_source = Ec2InstanceMetadata\nrole_session_name = ec2-run\n",
                           environment: ["AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{C}/"], profileFlag: "ec2",
                           expected: .arn("arn:aws:sts::\(account):assumed-role/ec2-role/ec2-run")),
        CredentialScenario(name: "an unknown credential_source is an error",
                           config: "[default]\nrole_arn = arn:aws:iam::\(account):role/r\ncredential_source = Somewhere\n", expected: .failure),
        CredentialScenario(name: "web identity from the environment (EKS IRSA, GitHub OIDC)",
                           credentials: "[default]\n\(keys)",
                           environment: ["AWS_ROLE_ARN": "arn:aws:iam::\(account):role/irsa", "AWS_WEB_IDENTITY_TOKEN_FILE": "{S}/token",
                                         "AWS_ROLE_SESSION_NAME": "irsa-pod"],
                           files: ["token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln\n"],
                           expected: .arn("arn:aws:sts::\(account):assumed-role/irsa/irsa-pod")),
        CredentialScenario(name: "web identity from a profile",
                           config: "[profile oidc]\nrole_arn = arn:aws:iam::\(account):role/oidc\nweb_identity_token_file = {S}/token\nrole_session_name = oidc-job\n",
                           environment: ["AWS_PROFILE": "oidc"], files: ["token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2IifQ.c2ln"],
                           expected: .arn("arn:aws:sts::\(account):assumed-role/oidc/oidc-job")),
        CredentialScenario(name: "web identity without a role ARN is an error",
                           credentials: "[default]\n\(keys)", environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "{S}/token"],
                           files: ["token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"], expected: .failure),
        CredentialScenario(name: "IAM Identity Center sso_session profile",
                           config: """
                               [profile audit]
                               sso_session = corp
                               sso_account_id = 111122223333
                               sso_role_name = Auditor
                               [sso-session corp]
                               sso_start_url = https://corp.awsapps.com/start
                               sso_region = us-east-1
                               sso_registration_scopes = sso:account:access
                               """, profileFlag: "audit", ssoTokens: ["corp": ("sso-token-ok", 3600)], expected: .key("ASIASSO111122223333")),
        CredentialScenario(name: "IAM Identity Center legacy sso_start_url profile",
                           config: """
                               [profile legacy]
                               sso_start_url = https://legacy.awsapps.com/start
                               sso_region = us-east-1
                               sso_account_id = 444455556666
                               sso_role_name = ReadOnly
                               """, environment: ["AWS_PROFILE": "legacy"],
                           ssoTokens: ["https://legacy.awsapps.com/start": ("sso-token-ok", 3600)], expected: .key("ASIASSO444455556666")),
        CredentialScenario(name: "IAM Identity Center with an expired token is an error",
                           config: "[default]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n"
                               + "aws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
                           ssoTokens: ["https://legacy.awsapps.com/start": ("sso-token-ok", -60)], expected: .failure),
        CredentialScenario(name: "container credentials at a loopback FULL_URI",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/ok"], expected: .key("ASIACONTAINEROK")),
        CredentialScenario(name: "container credentials with an authorization token file",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/auth", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{S}/eks-token",
                                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-token"],
                           files: ["eks-token": "Bearer container-token"], expected: .key("ASIACONTAINEROK")),
        CredentialScenario(name: "a container authorization token file with a line break is refused",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/auth", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{S}/eks-token"],
                           files: ["eks-token": "Bearer container-token\n"], expected: .failure),
        CredentialScenario(name: "a container authorization token from the environment",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/auth", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer container-token"],
                           expected: .key("ASIACONTAINEROK")),
        CredentialScenario(name: "container FULL_URI on a host the SDKs do not allow is an error",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.10/creds"], expected: .failure),
        CredentialScenario(name: "a malformed container answer is an error",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/malformed"], expected: .failure),
        CredentialScenario(name: "instance role over IMDSv2",
                           environment: ["AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{C}/"], expected: .key("ASIAIMDSOK")),
        CredentialScenario(name: "the credentials file wins over the container and the instance role",
                           credentials: "[default]\naws_access_key_id = AKIACREDFILE\naws_secret_access_key = s\n",
                           environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{C}/container/ok", "AWS_EC2_METADATA_DISABLED": "",
                                         "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{C}/"], expected: .key("AKIACREDFILE")),
        CredentialScenario(name: "nothing configured and the metadata service disabled", expected: .none),
        CredentialScenario(name: "a profile named by AWS_PROFILE that does not exist is an error, even with environment keys",
                           credentials: "[default]\n\(keys)",
                           environment: ["AWS_PROFILE": "missing", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], expected: .failure),
        CredentialScenario(name: "a config file section without the profile prefix is no profile",
                           config: "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n", profileFlag: "dev", expected: .failure),
    ]

    /// Writes the files and returns the environment both tools get.
    func prepare(_ scratch: ScratchDirectory) throws -> [String: String] {
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{S}", with: scratch.path).replacingOccurrences(of: "{STS}", with: CredentialServers.sts ?? "")
                .replacingOccurrences(of: "{C}", with: CredentialServers.endpoints ?? "")
        }
        try LocalFile.write(Array(fill(config).utf8), to: scratch.path + "/config")
        try LocalFile.write(Array(fill(credentials).utf8), to: scratch.path + "/credentials")
        for (name, text) in files { try LocalFile.write(Array(fill(text).utf8), to: scratch.path + "/" + name) }
        for (key, (token, seconds)) in ssoTokens {
            try CredentialServers.writeSSOToken(token, key: key, expiresIn: seconds, home: scratch.path)
        }
        var environment = CredentialServers.environment(scratch)
        for (name, value) in self.environment { environment[name] = fill(value) }
        return environment.filter { !$0.value.isEmpty }
    }
}

/// Section 2 of issue 17: for each scenario, botocore (the AWS CLI's library, in a subprocess)
/// and trailproof resolve credentials from the same files, environment and servers, and both must
/// give the expected outcome: the same access key id, the same assumed-role identity, the same
/// failure, or no credentials.
@Suite(.enabled(if: CredentialServers.available, "run through scripts/test, which starts moto's STS and the credential stand-ins"))
struct BotocoreCredentialChainTests {
    static let botocore = """
        import json, os, sys
        import botocore.session
        out = {}
        try:
            session = botocore.session.Session(profile=sys.argv[1] or None)
            creds = session.get_credentials()
            if creds is None:
                out = {"outcome": "none"}
            else:
                frozen = creds.get_frozen_credentials()
                out = {"outcome": "key", "key": frozen.access_key}
                if frozen.token and frozen.access_key.startswith("ASIA") and not frozen.access_key.startswith(("ASIASSO", "ASIACONTAINER", "ASIAIMDS")):
                    sts = session.create_client("sts", region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"],
                                                aws_access_key_id=frozen.access_key, aws_secret_access_key=frozen.secret_key,
                                                aws_session_token=frozen.token)
                    out = {"outcome": "arn", "arn": sts.get_caller_identity()["Arn"]}
        except Exception as error:
            out = {"outcome": "failure", "error": type(error).__name__, "message": str(error)[:300]}
        print(json.dumps(out))
        """

    func botocoreOutcome(_ scenario: CredentialScenario, environment: [String: String]) throws -> (CredentialOutcome, String) {
        var overrides: [String: String?] = [:]
        for name in ProcessInfo.processInfo.environment.keys where name.hasPrefix("AWS_") { overrides[name] = .some(nil) }
        for (name, value) in environment { overrides[name] = value }
        let run = try ExternalCommand.run(["python3", "-c", Self.botocore, scenario.profileFlag ?? ""], environment: overrides, timeout: 60)
        guard let line = run.stdout.split(separator: "\n").last, let object = try StrictJSON.parse(Array(line.utf8)).objectValue,
              let outcome = object["outcome"]?.stringValue else {
            Issue.record("botocore printed nothing readable: \(run)")
            return (.failure, run.description)
        }
        switch outcome {
        case "key": return (.key(object["key"]?.stringValue ?? ""), run.stdout)
        case "arn": return (.arn(object["arn"]?.stringValue ?? ""), run.stdout)
        case "none": return (.none, run.stdout)
        default: return (.failure, run.stdout)
        }
    }

    func trailproofOutcome(_ scenario: CredentialScenario, environment: [String: String]) throws -> (CredentialOutcome, String) {
        let context = CredentialContext(environment: environment, profileFlag: scenario.profileFlag, region: "us-east-1")
        do {
            let credentials = try CredentialChain(context: context).resolve()
            let current = try credentials.current()
            if current.sessionToken != nil, current.accessKeyID.hasPrefix("ASIA"),
               !["ASIASSO", "ASIACONTAINER", "ASIAIMDS"].contains(where: current.accessKeyID.hasPrefix) {
                return (.arn(try STSClient(context: context).callerIdentity(credentials: current).arn), credentials.sourceName)
            }
            return (.key(current.accessKeyID), credentials.sourceName)
        } catch let error as NoCredentialsError {
            return (.none, error.description)
        } catch {
            return (.failure, "\(error)")
        }
    }

    @Test(arguments: CredentialScenario.all)
    func trailproofResolvesAsBotocoreDoes(_ scenario: CredentialScenario) throws {
        let scratch = try ScratchDirectory("creds-botocore")
        defer { scratch.remove() }
        let environment = try scenario.prepare(scratch)
        let (botocore, botocoreDetail) = try botocoreOutcome(scenario, environment: environment)
        let (trailproof, detail) = try trailproofOutcome(scenario, environment: environment)
        #expect(botocore == scenario.expected, "botocore gave \(botocore): \(botocoreDetail)")
        #expect(trailproof == scenario.expected, "trailproof gave \(trailproof): \(detail)")
        for secret in ["static-secret", "env-secret", "process-secret", "ok-secret", "sso-secret", "sso-token-ok", "container-token", "c2ln"] {
            #expect(!detail.contains(secret))
        }
    }

    @Test func thereAreAtLeastTwentyScenarios() {
        #expect(CredentialScenario.all.count >= 20)
    }
}
