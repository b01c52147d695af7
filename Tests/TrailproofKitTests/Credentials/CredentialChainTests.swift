import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// The chain without servers: order, what is refused, and what never shows.
@Suite struct CredentialChainTests {
    func context(_ scratch: ScratchDirectory, config: String = "", credentials: String = "", environment: [String: String] = [:],
                 profile: String? = nil) throws -> CredentialContext {
        try LocalFile.write(Array(config.utf8), to: scratch.path + "/config")
        try LocalFile.write(Array(credentials.utf8), to: scratch.path + "/credentials")
        var full = ["HOME": scratch.path, "AWS_CONFIG_FILE": scratch.path + "/config", "AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/credentials",
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9",
                    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        full.merge(environment) { $1 }
        return CredentialContext(environment: full, profileFlag: profile, region: "us-east-1")
    }

    @Test func theOrderIsTheAWSCLIsAndProfileFlagDropsTheEnvironment() throws {
        let scratch = try ScratchDirectory("chain-order")
        defer { scratch.remove() }
        let names = CredentialChain(context: try context(scratch)).providers.map(\.name)
        #expect(names == ["environment", "assume-role profile default", "web identity", "sso profile default",
                          "profile default in the credentials file", "credential_process of profile default",
                          "profile default in the config file", "container credentials", "instance role"])
        #expect(CredentialChain(context: try context(scratch, profile: "x")).providers.first?.name == "assume-role profile x")
    }

    @Test func aSourceProfileCycleNamesTheProfiles() throws {
        let scratch = try ScratchDirectory("chain-cycle")
        defer { scratch.remove() }
        let config = "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
            + "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n"
        let error = #expect(throws: CredentialError.self) { try CredentialChain(context: context(scratch, config: config, profile: "a")).resolve() }
        #expect(error?.message == "source_profile cycle: a -> b -> c -> a")
    }

    @Test func mfaSerialIsAClearErrorWithoutAPrompt() throws {
        let scratch = try ScratchDirectory("chain-mfa")
        defer { scratch.remove() }
        let config = "[default]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile base]\naws_access_key_id = AKIAB\naws_secret_access_key = base-secret\n"
        let error = #expect(throws: CredentialError.self) { try CredentialChain(context: context(scratch, config: config)).resolve() }
        #expect(error?.message.contains("requires MFA (mfa_serial)") == true)
    }

    @Test func profileMisconfigurationsAreErrorsNotSkips() throws {
        let scratch = try ScratchDirectory("chain-broken")
        defer { scratch.remove() }
        let broken = [
            "[default]\nrole_arn = arn:aws:iam::1:role/a\n",
            "[default]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\ncredential_source = Environment\n[profile b]\naws_access_key_id = A\naws_secret_access_key = B\n",
            "[default]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Environment\n",
            "[default]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n",
            "[default]\naws_access_key_id = AKIAHALF\n",
            "[default]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n",
            "[default]\nsso_start_url = https://x.awsapps.com/start\n",
        ]
        for config in broken {
            #expect(throws: CredentialError.self, "\(config)") { try CredentialChain(context: context(scratch, config: config)).resolve() }
        }
    }

    @Test func containerFullURIOverHTTPIsLimitedToLoopbackAndTheSDKHosts() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "169.254.170.2", "169.254.170.23", "[::1]", "[fd00:ec2::23]"] {
            #expect(ContainerCredentialProvider.isAllowed(host: host), "\(host)")
        }
        for host in ["192.0.2.1", "127.0.0.1.evil.example", "169.254.169.254", "example.com", "1270.0.0.1", "127.0.0.256"] {
            #expect(!ContainerCredentialProvider.isAllowed(host: host), "\(host)")
        }
    }

    @Test func credentialProcessIsSplitAsPythonsShlexSplitsIt() throws {
        let commands = [#"/bin/get-creds --profile "my profile" 'single quoted' plain\ escaped"#,
                        #"tool "a \"quoted\" word" 'it''s' x\\y "dollar \$ and \n""#, "  spaced   out\targs  ", #"empty "" ''"#]
        for command in commands {
            let run = try ProcessRunner.run("python3", ["-c", "import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))", command])
            #expect(run.status == 0, "\(run)")
            let python = try StrictJSON.parse(run.stdoutBytes).arrayValue?.compactMap(\.stringValue)
            #expect(ProcessCredentialProvider.split(command) == python, "\(command)")
        }
        #expect(ProcessCredentialProvider.split("unterminated 'quote") == nil)
    }

    func processContext(_ scratch: ScratchDirectory, script: String) throws -> CredentialContext {
        try LocalFile.write(Array(script.utf8), to: scratch.path + "/process.py")
        return try context(scratch, config: "[profile tool]\ncredential_process = python3 \(scratch.path)/process.py\n", profile: "tool")
    }

    @Test func credentialProcessAnswersAreCheckedAndRefreshedAtTheirExpiration() throws {
        let scratch = try ScratchDirectory("chain-process")
        defer { scratch.remove() }
        let counting = """
            import datetime, json, os
            path = os.path.join(os.path.dirname(__file__), "count")
            n = int(open(path).read()) + 1 if os.path.exists(path) else 1
            open(path, "w").write(str(n))
            exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
            print(json.dumps({"Version": 1, "AccessKeyId": "ASIAPROC%d" % n, "SecretAccessKey": "proc-secret", "SessionToken": "t", "Expiration": exp}))
            """
        let credentials = try CredentialChain(context: processContext(scratch, script: counting)).resolve()
        #expect(credentials.sourceName == "credential_process of profile tool")
        #expect(try credentials.current().accessKeyID == "ASIAPROC2")
        for bad in ["print('{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"proc-secret\"}')", "print('not json proc-secret')",
                    "print('{\"Version\": 1, \"AccessKeyId\": \"A\"}')", "import sys\nsys.stderr.write('tool failed\\n')\nsys.exit(2)",
                    "print('{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"proc-secret\", \"Expiration\": \"soon\"}')"] {
            let error = #expect(throws: CredentialError.self) { try CredentialChain(context: processContext(scratch, script: bad)).resolve() }
            #expect(error?.source == "credential_process of profile tool")
            #expect(error?.description.contains("proc-secret") == false)
        }
    }

    @Test func aCredentialProcessThatHangsIsStopped() throws {
        let scratch = try ScratchDirectory("chain-process-hang")
        defer { scratch.remove() }
        var provider = ProcessCredentialProvider(context: try processContext(scratch, script: "import time\ntime.sleep(30)\n"), profileName: "tool")
        provider.timeoutSeconds = 1
        let started = ContinuousClock.now
        let error = #expect(throws: CredentialError.self) { try provider.fetch() }
        #expect(error?.message.contains("did not finish within 1 s") == true)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func errorsAndReportsNeverCarryASecret() throws {
        let scratch = try ScratchDirectory("chain-secrets")
        defer { scratch.remove() }
        let ctx = try context(scratch, config: "[default]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n[profile base]\naws_access_key_id = AKIAB\naws_secret_access_key = base-secret\naws_session_token = base-token\n")
        let error = #expect(throws: CredentialError.self) { try CredentialChain(context: ctx).resolve() }
        #expect(error?.description.contains("base-secret") == false && error?.description.contains("base-token") == false)
        let keys = AWSCredentials(accessKeyID: "AKIAB", secretAccessKey: "base-secret", sessionToken: "base-token", source: "x")
        #expect(!"\(keys)".contains("base-secret") && !"\(keys)".contains("base-token"))
    }
}
