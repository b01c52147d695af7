import FoundationEssentials
import TrailproofNative

/// The STS calls credential sources make: AssumeRole (signed), AssumeRoleWithWebIdentity
/// (unsigned) and GetCallerIdentity, over the query API.
struct STSClient: Sendable {
    /// The endpoint URL.
    let endpoint: String
    /// The region in the signature's scope.
    let signingRegion: String

    init(context: CredentialContext) {
        (endpoint, signingRegion) = context.stsEndpoint
    }

    /// AssumeRole with `credentials`, for `source`.
    func assumeRole(_ parameters: [(String, String)], credentials: AWSCredentials, source: String) throws -> FetchedCredentials {
        let body = try call([("Action", "AssumeRole"), ("Version", "2011-06-15")] + parameters, credentials: credentials, source: source)
        return try STSClient.credentials(from: body, source: source)
    }

    /// AssumeRoleWithWebIdentity (unsigned: the token is the proof).
    func assumeRoleWithWebIdentity(_ parameters: [(String, String)], source: String) throws -> FetchedCredentials {
        let body = try call([("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15")] + parameters,
                            credentials: nil, source: source)
        return try STSClient.credentials(from: body, source: source)
    }

    /// GetCallerIdentity: the ARN and account of whoever `credentials` belong to.
    func callerIdentity(credentials: AWSCredentials) throws -> (arn: String, account: String) {
        let body = try call([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], credentials: credentials,
                            source: "GetCallerIdentity")
        guard let arn = CredentialHTTP.xmlValue("Arn", in: body), let account = CredentialHTTP.xmlValue("Account", in: body) else {
            throw CredentialError(source: "GetCallerIdentity", "malformed answer from \(endpoint)")
        }
        return (arn, account)
    }

    private func call(_ parameters: [(String, String)], credentials: AWSCredentials?, source: String) throws -> [UInt8] {
        var request = HTTPRequest(method: "POST", url: endpoint.hasSuffix("/") ? endpoint : endpoint + "/",
                                  headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                  body: Array(CredentialHTTP.formEncode(parameters).utf8))
        if let credentials {
            request = try SigV4Signer(credentials: credentials, region: signingRegion, service: "sts").sign(request, date: UTCTime.now)
        }
        let answer: (status: Int, headers: [String: String], body: [UInt8])
        do {
            answer = try CredentialHTTP.exchange(request, source: source)
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(source: source, "STS at \(endpoint) did not answer: \(CredentialHTTP.describe(error))")
        }
        guard answer.status == 200 else {
            let code = CredentialHTTP.xmlValue("Code", in: answer.body) ?? "no error code"
            // A hostile or broken endpoint could echo what it was sent: no secret may come back out.
            let secrets = [credentials?.secretAccessKey, credentials?.sessionToken] + parameters.filter { $0.0 == "WebIdentityToken" }.map(\.1)
            var echoed = CredentialHTTP.xmlValue("Message", in: answer.body).map { String($0.prefix(300)) }
            for secret in secrets.compactMap({ $0 }) where !secret.isEmpty {
                echoed = echoed?.replacingAll(secret, with: "(redacted)")
            }
            let message = echoed.map { ": \($0)" } ?? ""
            throw CredentialError(source: source, "STS at \(endpoint) refused (HTTP \(answer.status) \(code)\(message))")
        }
        return answer.body
    }

    /// The `<Credentials>` of an AssumeRole* answer.
    static func credentials(from body: [UInt8], source: String) throws -> FetchedCredentials {
        guard let id = CredentialHTTP.xmlValue("AccessKeyId", in: body), let secret = CredentialHTTP.xmlValue("SecretAccessKey", in: body),
              let token = CredentialHTTP.xmlValue("SessionToken", in: body), !id.isEmpty, !secret.isEmpty,
              let expirationText = CredentialHTTP.xmlValue("Expiration", in: body), let expiration = UTCTime(parsing: expirationText) else {
            throw CredentialError(source: source, "malformed STS answer (no AccessKeyId, SecretAccessKey, SessionToken and Expiration)")
        }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token, source: source),
                                  expiration: expiration)
    }

    /// A session name as botocore makes one when the profile has none.
    static func defaultSessionName(now: UTCTime = .now) -> String { "trailproof-session-\(now.secondsSinceEpoch)" }
}
