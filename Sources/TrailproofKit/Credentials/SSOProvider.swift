import TrailproofNative

/// IAM Identity Center: a profile with `sso_session` (an `[sso-session NAME]` section with
/// `sso_start_url` and `sso_region`) or the legacy `sso_start_url` and `sso_region`, plus
/// `sso_account_id` and `sso_role_name`. The access token comes from the AWS CLI's cache,
/// `~/.aws/sso/cache/<sha1 of the session name, or of the start URL>.json`, written by
/// `aws sso login`; GetRoleCredentials at the portal turns it into role credentials.
struct SSOProvider: CredentialProvider {
    let context: CredentialContext
    let profileName: String

    var name: String { "sso profile \(profileName)" }

    private var login: String { "run: aws sso login --profile \(profileName)" }

    func skipReason() -> String? {
        let profile = context.profile(profileName) ?? [:]
        let keys = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
        return keys.contains { profile[$0] != nil } ? nil : "profile \(profileName) has no sso_session or sso_start_url"
    }

    /// The session's settings, the cache key, and the account and role.
    private func configuration() throws -> (startURL: String, region: String, cacheKey: String, account: String, role: String) {
        let profile = context.profile(profileName) ?? [:]
        var settings = profile
        var cacheKey: String?
        if let session = profile["sso_session"] {
            guard let section = context.ssoSession(session) else {
                throw CredentialError(source: name, "profile \(profileName) names sso_session \(session) but the config file has no [sso-session \(session)]")
            }
            for (key, value) in section {
                if let own = profile[key], own != value {
                    throw CredentialError(source: name, "\(key) differs between profile \(profileName) and sso-session \(session)")
                }
                settings[key] = value
            }
            cacheKey = session
        }
        let missing = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"].filter { settings[$0] == nil }
        guard missing.isEmpty, let url = settings["sso_start_url"], let region = settings["sso_region"],
              let account = settings["sso_account_id"], let role = settings["sso_role_name"] else {
            throw CredentialError(source: name, "incomplete IAM Identity Center settings in profile \(profileName): missing \(missing.joined(separator: ", "))")
        }
        return (url, region, cacheKey ?? url, account, role)
    }

    func fetch() throws -> FetchedCredentials {
        let config = try configuration()
        let cacheFile = "\(context.home)/.aws/sso/cache/\(try MessageDigest.sha1Hex(Array(config.cacheKey.utf8))).json"
        guard let bytes = try? LocalFile.readAll(cacheFile, limit: 1 << 20) else {
            throw CredentialError(source: name, "no IAM Identity Center token in the AWS CLI's cache (\(cacheFile)); \(login)")
        }
        guard let token = try? StrictJSON.parse(bytes).objectValue, let accessToken = token["accessToken"]?.stringValue,
              let expiresText = token["expiresAt"]?.stringValue, let expires = UTCTime(parsing: expiresText) else {
            throw CredentialError(source: name, "the cached IAM Identity Center token \(cacheFile) is malformed; \(login)")
        }
        guard expires > UTCTime.now else {
            throw CredentialError(source: name, "the IAM Identity Center token expired at \(expires.iso8601); \(login)")
        }
        let endpoint = context.ssoEndpoint(ssoRegion: config.region)
        let url = "\(endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint)/federation/credentials?"
            + CredentialHTTP.formEncode([("role_name", config.role), ("account_id", config.account)])
        let answer: (status: Int, headers: [String: String], body: [UInt8])
        do {
            answer = try CredentialHTTP.exchange(HTTPRequest(method: "GET", url: url, headers: [("x-amz-sso_bearer_token", accessToken)]),
                                                 source: name)
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(source: name, "the IAM Identity Center portal at \(endpoint) did not answer: \(CredentialHTTP.describe(error))")
        }
        if answer.status == 401 || answer.status == 403 {
            throw CredentialError(source: name, "the IAM Identity Center portal refused the cached token (HTTP \(answer.status)); \(login)")
        }
        guard answer.status == 200 else {
            throw CredentialError(source: name, "GetRoleCredentials at \(endpoint) failed (HTTP \(answer.status))")
        }
        guard let object = (try? StrictJSON.parse(answer.body))?.objectValue?["roleCredentials"]?.objectValue,
              let id = object["accessKeyId"]?.stringValue, !id.isEmpty, let secret = object["secretAccessKey"]?.stringValue, !secret.isEmpty,
              let session = object["sessionToken"]?.stringValue,
              case .number(let milliseconds)? = object["expiration"], let ms = Int64(milliseconds) else {
            throw CredentialError(source: name, "malformed GetRoleCredentials answer from \(endpoint)")
        }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: session, source: name),
                                  expiration: UTCTime(secondsSinceEpoch: ms / 1000))
    }
}
