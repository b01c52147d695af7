import TrailproofNative

/// AssumeRoleWithWebIdentity from a token file (EKS IRSA, GitHub Actions OIDC): AWS_ROLE_ARN,
/// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_SESSION_NAME (ignored under --profile), else the
/// profile's `role_arn`, `web_identity_token_file` and `role_session_name`. The token file is
/// read again on every refresh, since the platform rotates it.
struct WebIdentityProvider: CredentialProvider {
    let context: CredentialContext
    let profileName: String
    /// Whether the environment variables count (not when --profile chose the profile, nor for a source profile).
    let useEnvironment: Bool

    var name: String { "web identity" }

    private func setting(_ key: String, _ variable: String) -> String? {
        if useEnvironment, let value = context.environment[variable] { return value }
        return context.profile(profileName)?[key]
    }

    func skipReason() -> String? {
        setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE").map { $0.isEmpty } ?? true
            ? "neither AWS_WEB_IDENTITY_TOKEN_FILE nor web_identity_token_file in profile \(profileName)" : nil
    }

    func fetch() throws -> FetchedCredentials {
        guard let path = setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"), !path.isEmpty else {
            throw CredentialError(source: name, "no web identity token file configured")
        }
        guard let role = setting("role_arn", "AWS_ROLE_ARN"), !role.isEmpty else {
            throw CredentialError(source: name, "a web identity token file is configured but no role ARN: set AWS_ROLE_ARN or role_arn in profile \(profileName)")
        }
        let tokenBytes: [UInt8]
        do {
            tokenBytes = try LocalFile.readAll(path, limit: 64 << 10)
        } catch {
            throw CredentialError(source: name, "cannot read the web identity token file \(path): \(error)")
        }
        let token = String(decoding: tokenBytes, as: UTF8.self).trimmingWhitespace
        guard !token.isEmpty else { throw CredentialError(source: name, "the web identity token file \(path) is empty") }
        let session = setting("role_session_name", "AWS_ROLE_SESSION_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? STSClient.defaultSessionName()
        return try STSClient(context: context).assumeRoleWithWebIdentity(
            [("RoleArn", role), ("RoleSessionName", session), ("WebIdentityToken", token)], source: name)
    }
}
