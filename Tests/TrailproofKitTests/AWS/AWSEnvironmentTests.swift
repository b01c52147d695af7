import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

@Suite struct AWSEnvironmentTests {
    func files(_ scratch: ScratchDirectory) throws -> [String: String] {
        try LocalFile.write(Array("""
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [audit]
            aws_access_key_id=AKIAAUDIT
            aws_secret_access_key=audit-secret
            aws_session_token = audit-token
            """.utf8), to: scratch.path + "/credentials")
        try LocalFile.write(Array("""
            [default]
            region = eu-west-1
            [profile audit]
            region = ap-southeast-2
            s3 =
              addressing_style = path
            [profile keys-in-config]
            aws_access_key_id = AKIACONFIG
            aws_secret_access_key = config-secret
            """.utf8), to: scratch.path + "/config")
        return ["AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/credentials", "AWS_CONFIG_FILE": scratch.path + "/config",
                "HOME": scratch.path]
    }

    @Test func environmentKeysWinOverTheDefaultProfile() throws {
        let scratch = try ScratchDirectory("aws-env")
        defer { scratch.remove() }
        var environment = try files(scratch)
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        environment["AWS_SESSION_TOKEN"] = "env-token"
        let resolved = try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: nil, environment: environment)
        #expect(try resolved.credentials.current().accessKeyID == "AKIAENV")
        #expect(try resolved.credentials.current().sessionToken == "env-token")
        #expect(resolved.region == "eu-west-1")
    }

    @Test func anExplicitProfileIgnoresEnvironmentKeys() throws {
        let scratch = try ScratchDirectory("aws-profile")
        defer { scratch.remove() }
        var environment = try files(scratch)
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        let resolved = try AWSEnvironment.resolve(profile: "audit", region: nil, endpointURL: nil, environment: environment)
        #expect(try resolved.credentials.current().accessKeyID == "AKIAAUDIT")
        #expect(try resolved.credentials.current().sessionToken == "audit-token")
        #expect(resolved.region == "ap-southeast-2")
    }

    @Test func awsProfileSelectsTheProfileAndKeysMayLiveInConfig() throws {
        let scratch = try ScratchDirectory("aws-config")
        defer { scratch.remove() }
        var environment = try files(scratch)
        environment["AWS_PROFILE"] = "keys-in-config"
        let resolved = try AWSEnvironment.resolve(profile: nil, region: "us-west-2", endpointURL: nil, environment: environment)
        #expect(try resolved.credentials.current().accessKeyID == "AKIACONFIG")
        #expect(resolved.region == "us-west-2")
    }

    @Test func regionPrecedenceIsFlagThenAWSRegionThenDefaultRegionThenProfile() throws {
        let scratch = try ScratchDirectory("aws-region")
        defer { scratch.remove() }
        var environment = try files(scratch)
        environment["AWS_DEFAULT_REGION"] = "us-east-2"
        #expect(try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: nil, environment: environment).region == "us-east-2")
        environment["AWS_REGION"] = "ca-central-1"
        #expect(try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: nil, environment: environment).region == "ca-central-1")
        #expect(try AWSEnvironment.resolve(profile: nil, region: "sa-east-1", endpointURL: nil, environment: environment).region == "sa-east-1")
    }

    @Test func serviceEndpointsOverrideTheGeneralOne() throws {
        let scratch = try ScratchDirectory("aws-endpoints")
        defer { scratch.remove() }
        var environment = try files(scratch)
        environment["AWS_ENDPOINT_URL"] = "http://general"
        environment["AWS_ENDPOINT_URL_S3"] = "http://s3-only"
        var resolved = try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: nil, environment: environment)
        #expect(resolved.s3Endpoint == "http://s3-only")
        #expect(resolved.cloudTrailEndpoint == "http://general")
        environment["AWS_ENDPOINT_URL_CLOUDTRAIL"] = "http://ct-only"
        resolved = try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: nil, environment: environment)
        #expect(resolved.cloudTrailEndpoint == "http://ct-only")
        resolved = try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: "http://flag", environment: environment)
        #expect(resolved.s3Endpoint == "http://flag" && resolved.cloudTrailEndpoint == "http://ct-only")
        resolved = try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: "http://flag", endpointService: .cloudTrail,
                                              environment: environment)
        #expect(resolved.s3Endpoint == "http://s3-only" && resolved.cloudTrailEndpoint == "http://flag")
    }

    @Test func noCredentialsIsAnErrorListingEverySourceInOrder() throws {
        let scratch = try ScratchDirectory("aws-none")
        defer { scratch.remove() }
        let error = #expect(throws: NoCredentialsError.self) {
            try AWSEnvironment.resolve(profile: nil, region: nil, endpointURL: nil,
                                       environment: ["HOME": scratch.path, "AWS_EC2_METADATA_DISABLED": "true"])
        }
        #expect(error?.profile == "default")
        #expect(error?.skipped.map(\.source) == [
            "environment", "assume-role profile default", "web identity", "sso profile default", "profile default in the credentials file",
            "credential_process of profile default", "profile default in the config file", "container credentials", "instance role"])
        #expect(error?.skipped.last?.reason == "AWS_EC2_METADATA_DISABLED is true")
    }

    @Test func aNamedProfileThatNeitherFileHasIsAnError() throws {
        let scratch = try ScratchDirectory("aws-missing-profile")
        defer { scratch.remove() }
        var environment = try files(scratch)
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        for (flag, variable) in [("nope", nil), (nil, "nope")] as [(String?, String?)] {
            environment["AWS_PROFILE"] = variable
            let error = #expect(throws: CredentialError.self) {
                try AWSEnvironment.resolve(profile: flag, region: nil, endpointURL: nil, environment: environment)
            }
            #expect(error?.message.hasPrefix("no such profile") == true)
        }
    }
}
