import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Each networked credential source against its server: refresh before expiry, a malformed
/// answer, and the server being down.
@Suite(.enabled(if: CredentialServers.available, "run through scripts/test, which starts moto's STS and the credential stand-ins"))
struct CredentialEndpointTests {
    let endpoints = CredentialServers.endpoints ?? ""
    /// A port nothing listens on.
    static let closed = "http://127.0.0.1:9"
    /// A clock past every expiry: every read must refresh.
    static let late: @Sendable () -> UTCTime = { UTCTime.now.adding(seconds: 10 * 365 * 86_400) }

    func resolve(_ environment: [String: String], profile: String? = nil,
                 clock: @escaping @Sendable () -> UTCTime = { UTCTime.now }) throws -> RefreshableCredentials {
        try CredentialChain(context: CredentialContext(environment: environment, profileFlag: profile, region: "us-east-1")).resolve(clock: clock)
    }

    @Test func containerCredentialsNearExpiryAreFetchedAgainBeforeSigning() throws {
        let scratch = try ScratchDirectory("creds-container")
        defer { scratch.remove() }
        var environment = CredentialServers.environment(scratch)
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = endpoints + "/container/short"
        let credentials = try resolve(environment)
        #expect(credentials.sourceName == "container credentials")
        let first = try credentials.current().accessKeyID
        let second = try credentials.current().accessKeyID
        #expect(first.hasPrefix("ASIACONTAINERSHORT") && second.hasPrefix("ASIACONTAINERSHORT") && first != second)
        #expect(credentials.refreshCount >= 1)
        let signed = try SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
            .sign(HTTPRequest(method: "GET", url: "http://example.com/"), date: .now)
        let authorization = signed.headers.first { $0.name == "Authorization" }?.value ?? ""
        #expect(authorization.contains("Credential=ASIACONTAINERSHORT") && !authorization.contains(second))
    }

    @Test func containerEndpointDownOrMalformedIsAnErrorNotASkip() throws {
        let scratch = try ScratchDirectory("creds-container-down")
        defer { scratch.remove() }
        var environment = CredentialServers.environment(scratch)
        try LocalFile.write(Array("[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n[profile nobody]\nregion = us-east-1\n".utf8),
                            to: scratch.path + "/config")
        for url in [Self.closed + "/creds", endpoints + "/container/malformed", endpoints + "/container/auth"] {
            environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url
            let error = #expect(throws: CredentialError.self) { try resolve(environment, profile: "nobody") }
            #expect(error?.source == "container credentials")
        }
    }

    @Test func theInstanceMetadataStandInRefusesIMDSv1() throws {
        let head = try HTTPTransfer().perform(HTTPRequest(method: "GET", url: endpoints + "/latest/meta-data/iam/security-credentials/")) { _ in }
        #expect(head.status == 401)
    }

    @Test func instanceRoleCredentialsRefreshAndABrokenAnswerIsAnError() throws {
        let scratch = try ScratchDirectory("creds-imds")
        defer { scratch.remove() }
        var environment = CredentialServers.environment(scratch)
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints + "/short"
        let credentials = try resolve(environment)
        #expect(credentials.sourceName == "instance role")
        let first = try credentials.current().accessKeyID, second = try credentials.current().accessKeyID
        #expect(first.hasPrefix("ASIAIMDSSHORT") && first != second)
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints + "/malformed"
        #expect(throws: CredentialError.self) { try resolve(environment) }
    }

    @Test func noInstanceMetadataServiceIsASkipListedQuickly() throws {
        let scratch = try ScratchDirectory("creds-imds-down")
        defer { scratch.remove() }
        var environment = CredentialServers.environment(scratch)
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = Self.closed
        let started = ContinuousClock.now
        let error = #expect(throws: NoCredentialsError.self) { try resolve(environment) }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(error?.skipped.last?.source == "instance role")
        #expect(error?.skipped.last?.reason.contains("no instance metadata service answered") == true)
    }

    func ssoProfile(_ scratch: ScratchDirectory, token: String, expiresIn: Int64) throws -> [String: String] {
        try LocalFile.write(Array("""
            [profile audit]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = Auditor
            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1
            """.utf8), to: scratch.path + "/config")
        try CredentialServers.writeSSOToken(token, key: "corp", expiresIn: expiresIn, home: scratch.path)
        return CredentialServers.environment(scratch)
    }

    @Test func ssoRoleCredentialsRefreshFromTheCachedToken() throws {
        let scratch = try ScratchDirectory("creds-sso")
        defer { scratch.remove() }
        let credentials = try resolve(try ssoProfile(scratch, token: "sso-token-short", expiresIn: 3600), profile: "audit")
        #expect(credentials.sourceName == "sso profile audit")
        let first = try credentials.current().accessKeyID, second = try credentials.current().accessKeyID
        #expect(first.hasPrefix("ASIASSOSHORT") && first != second)
    }

    @Test func ssoWithoutAUsableTokenSaysToLogIn() throws {
        let scratch = try ScratchDirectory("creds-sso-login")
        defer { scratch.remove() }
        for (token, seconds) in [("sso-token-ok", -10), ("revoked-token", 3600)] as [(String, Int64)] {
            let environment = try ssoProfile(scratch, token: token, expiresIn: seconds)
            let error = #expect(throws: CredentialError.self) { try resolve(environment, profile: "audit") }
            #expect(error?.message.hasSuffix("run: aws sso login --profile audit") == true)
            #expect(error?.description.contains(token) == false)
        }
        try FileManager.default.removeItem(atPath: scratch.path + "/.aws/sso/cache")
        let error = #expect(throws: CredentialError.self) { try resolve(CredentialServers.environment(scratch), profile: "audit") }
        #expect(error?.message.hasSuffix("run: aws sso login --profile audit") == true)
    }

    @Test func ssoPortalDownOrMalformedIsAnError() throws {
        let scratch = try ScratchDirectory("creds-sso-down")
        defer { scratch.remove() }
        var environment = try ssoProfile(scratch, token: "sso-token-malformed", expiresIn: 3600)
        #expect(throws: CredentialError.self) { try resolve(environment, profile: "audit") }
        environment = try ssoProfile(scratch, token: "sso-token-ok", expiresIn: 3600)
        environment["AWS_ENDPOINT_URL_SSO"] = Self.closed
        let error = #expect(throws: CredentialError.self) { try resolve(environment, profile: "audit") }
        #expect(error?.message.contains("did not answer") == true)
    }

    @Test func webIdentityRereadsItsTokenFileOnEveryRefresh() throws {
        let scratch = try ScratchDirectory("creds-web")
        defer { scratch.remove() }
        var environment = CredentialServers.environment(scratch)
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/irsa"
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = scratch.path + "/token"
        try LocalFile.write(Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln".utf8), to: scratch.path + "/token")
        let credentials = try resolve(environment, clock: Self.late)
        #expect(credentials.sourceName == "web identity")
        let first = try credentials.current().accessKeyID
        try FileManager.default.removeItem(atPath: scratch.path + "/token")
        let error = #expect(throws: CredentialError.self) { try credentials.current() }
        #expect(error?.message.contains("cannot read the web identity token file") == true)
        try LocalFile.write(Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIyIn0.c2ln".utf8), to: scratch.path + "/token")
        #expect(try credentials.current().accessKeyID != first)
    }

    @Test func webIdentityWithSTSDownOrAnsweringNonsenseIsAnError() throws {
        let scratch = try ScratchDirectory("creds-web-down")
        defer { scratch.remove() }
        var environment = CredentialServers.environment(scratch)
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/irsa"
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = scratch.path + "/token"
        try LocalFile.write(Array("eyJhbGciOiJSUzI1NiJ9.e30.c2ln".utf8), to: scratch.path + "/token")
        for sts in [Self.closed, endpoints + "/container/ok", endpoints + "/sts-echo/"] {
            environment["AWS_ENDPOINT_URL_STS"] = sts
            let error = #expect(throws: CredentialError.self) { try resolve(environment) }
            #expect(error?.source == "web identity")
            #expect(error?.description.contains("c2ln") == false)
        }
    }

    @Test func assumedRoleCredentialsAreAssumedAgainNearExpiry() throws {
        let scratch = try ScratchDirectory("creds-role")
        defer { scratch.remove() }
        try LocalFile.write(Array("""
            [profile audit]
            role_arn = arn:aws:iam::123456789012:role/auditor
            source_profile = base
            [profile base]
            aws_access_key_id = AKIABASE
            aws_secret_access_key = base-secret
            """.utf8), to: scratch.path + "/config")
        var environment = CredentialServers.environment(scratch)
        let credentials = try resolve(environment, profile: "audit", clock: Self.late)
        #expect(credentials.sourceName == "assume-role profile audit")
        let first = try credentials.current().accessKeyID, second = try credentials.current().accessKeyID
        #expect(first.hasPrefix("ASIA") && first != second)
        environment["AWS_ENDPOINT_URL_STS"] = Self.closed
        let error = #expect(throws: CredentialError.self) { try resolve(environment, profile: "audit") }
        #expect(error?.description.contains("base-secret") == false)
    }
}
