/// A profile with `role_arn`: AssumeRole with the credentials of its `source_profile` (itself
/// resolved the same way, to any depth; a cycle is an error naming the profiles) or of its
/// `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`), with
/// `external_id`, `role_session_name` and `duration_seconds`. `mfa_serial` is refused: a
/// non-interactive tool cannot prompt for a code.
struct AssumeRoleProvider: CredentialProvider {
    let context: CredentialContext
    let profileName: String

    var name: String { "assume-role profile \(profileName)" }

    /// botocore: `role_arn` without `web_identity_token_file` (that one is web identity's).
    static func applies(_ profile: [String: String]?) -> Bool {
        guard let profile else { return false }
        return profile["role_arn"] != nil && profile["web_identity_token_file"] == nil
    }

    func skipReason() -> String? {
        AssumeRoleProvider.applies(context.profile(profileName)) ? nil : "profile \(profileName) has no role_arn"
    }

    func fetch() throws -> FetchedCredentials {
        var visited = [profileName]
        return try assume(profileName, visited: &visited)
    }

    private func assume(_ profileName: String, visited: inout [String]) throws -> FetchedCredentials {
        guard let profile = context.profile(profileName), let role = profile["role_arn"] else {
            throw CredentialError(source: name, "profile \(profileName) does not exist or has no role_arn")
        }
        if profile["mfa_serial"] != nil {
            throw CredentialError(source: name, "profile \(profileName) requires MFA (mfa_serial) and trailproof cannot prompt for a code; "
                + "use a profile without mfa_serial, or put session credentials from `aws sts get-session-token` in the environment")
        }
        let source = try sourceCredentials(profileName, profile, visited: &visited)
        var parameters = [("RoleArn", role),
                          ("RoleSessionName", profile["role_session_name"] ?? STSClient.defaultSessionName())]
        if let external = profile["external_id"] { parameters.append(("ExternalId", external)) }
        if let duration = profile["duration_seconds"], let seconds = Int(duration) { parameters.append(("DurationSeconds", String(seconds))) }
        return try STSClient(context: context).assumeRole(parameters, credentials: source, source: name)
    }

    private func sourceCredentials(_ profileName: String, _ profile: [String: String], visited: inout [String]) throws -> AWSCredentials {
        switch (profile["source_profile"], profile["credential_source"]) {
        case (.some, .some):
            throw CredentialError(source: name, "profile \(profileName) has both source_profile and credential_source")
        case (nil, nil):
            throw CredentialError(source: name, "profile \(profileName) has role_arn but neither source_profile nor credential_source")
        case (nil, .some(let sourceName)):
            let provider: any CredentialProvider
            switch sourceName {
            case "Environment": provider = EnvironmentCredentialProvider(context: context)
            case "Ec2InstanceMetadata": provider = InstanceMetadataProvider(context: context)
            case "EcsContainer": provider = ContainerCredentialProvider(context: context)
            default:
                throw CredentialError(source: name, "credential_source \(sourceName) in profile \(profileName) is not one of Environment, Ec2InstanceMetadata, EcsContainer")
            }
            if let reason = provider.skipReason() {
                throw CredentialError(source: name, "no credentials from credential_source \(sourceName) of profile \(profileName): \(reason)")
            }
            return try provider.fetch().credentials
        case (.some(let sourceName), nil):
            guard let sourceProfile = context.profile(sourceName) else {
                throw CredentialError(source: name, "source_profile \(sourceName) of profile \(profileName) does not exist")
            }
            let hasKeys = sourceProfile["aws_access_key_id"] != nil || sourceProfile["aws_secret_access_key"] != nil
            if visited.contains(sourceName) && (sourceName != profileName || !hasKeys) {
                throw CredentialError(source: name, "source_profile cycle: \((visited + [sourceName]).joined(separator: " -> "))")
            }
            visited.append(sourceName)
            if hasKeys || !AssumeRoleProvider.applies(sourceProfile) {
                for provider in CredentialChain.profileProviders(context: context, profileName: sourceName, useEnvironment: false)
                where provider.skipReason() == nil {
                    return try provider.fetch().credentials
                }
                throw CredentialError(source: name, "source_profile \(sourceName) of profile \(profileName) has no credentials")
            }
            return try assume(sourceName, visited: &visited).credentials
        }
    }
}
