/// The credential sources in the order of the AWS CLI v2 (botocore's `create_credential_resolver`):
/// environment, assume-role profile, web identity, IAM Identity Center, the shared credentials
/// file, credential_process, the config file, container credentials, the instance role.
/// Under --profile the environment's keys are not a source (as in the AWS CLI).
public struct CredentialChain: Sendable {
    /// What the sources read.
    public let context: CredentialContext
    /// The sources, in order.
    public let providers: [any CredentialProvider]

    /// The chain for `context`.
    public init(context: CredentialContext) {
        self.context = context
        var providers: [any CredentialProvider] = []
        if !context.profileFromFlag { providers.append(EnvironmentCredentialProvider(context: context)) }
        providers.append(AssumeRoleProvider(context: context, profileName: context.profileName))
        providers += CredentialChain.profileProviders(context: context, profileName: context.profileName,
                                                      useEnvironment: !context.profileFromFlag)
        providers.append(ContainerCredentialProvider(context: context))
        providers.append(InstanceMetadataProvider(context: context))
        self.providers = providers
    }

    /// The sources a profile itself can hold (botocore's ProfileProviderBuilder): web identity,
    /// IAM Identity Center, the credentials file, credential_process, the config file.
    static func profileProviders(context: CredentialContext, profileName: String, useEnvironment: Bool) -> [any CredentialProvider] {
        [WebIdentityProvider(context: context, profileName: profileName, useEnvironment: useEnvironment),
         SSOProvider(context: context, profileName: profileName),
         ProfileKeysProvider(context: context, profileName: profileName, inCredentialsFile: true),
         ProcessCredentialProvider(context: context, profileName: profileName),
         ProfileKeysProvider(context: context, profileName: profileName, inCredentialsFile: false)]
    }

    /// The first source that applies, with its credentials, refreshed ahead of expiry.
    /// - Throws: the `CredentialError` of a source that applies but fails (it is not skipped),
    ///   or `NoCredentialsError` listing every source and why it was skipped.
    public func resolve(clock: @escaping @Sendable () -> UTCTime = { UTCTime.now }) throws -> RefreshableCredentials {
        // As botocore: a profile named (--profile, AWS_PROFILE) that neither file has is an
        // error, whatever else is configured.
        if context.profileName != "default" && context.profile(context.profileName) == nil {
            throw CredentialError(source: "profile \(context.profileName)",
                                  "no such profile: neither the config file ([profile \(context.profileName)]) nor the credentials file ([\(context.profileName)]) has it")
        }
        var skipped: [(source: String, reason: String)] = []
        for provider in providers {
            if let reason = provider.skipReason() {
                skipped.append((provider.name, reason))
                continue
            }
            do {
                return RefreshableCredentials(provider: provider, initial: try provider.fetch(), clock: clock)
            } catch let error as CredentialError where provider is InstanceMetadataProvider && InstanceMetadataProvider.isUnreachable(error) {
                skipped.append((provider.name, error.message))
            }
        }
        throw NoCredentialsError(profile: context.profileName, skipped: skipped)
    }
}

/// No source gave credentials: every source, in order, and why it was skipped.
public struct NoCredentialsError: Error, Sendable, CustomStringConvertible {
    /// The profile in use.
    public let profile: String
    /// Each source and why it did not apply.
    public let skipped: [(source: String, reason: String)]

    public var description: String {
        "no AWS credentials for profile \(profile); sources tried in order (as the AWS CLI does):\n"
            + skipped.map { "  - \($0.source): \($0.reason)" }.joined(separator: "\n")
    }
}
