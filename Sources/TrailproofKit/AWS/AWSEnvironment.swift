/// Where requests go and who signs them, resolved the way the AWS CLI does.
public struct AWSEnvironment: Sendable {
    /// The signing credentials, refreshed ahead of expiry.
    public var credentials: RefreshableCredentials
    /// The default region (for API calls that have no region of their own).
    public var region: String?
    /// --endpoint-url / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL: an S3-compatible store (path-style).
    public var s3Endpoint: String?
    /// AWS_ENDPOINT_URL_CLOUDTRAIL / AWS_ENDPOINT_URL: where ListPublicKeys goes.
    public var cloudTrailEndpoint: String?
    /// The profile used, if any.
    public var profile: String?
    /// What the credential sources read (for STS calls such as GetCallerIdentity).
    public var credentialContext: CredentialContext?

    /// Creates an environment from explicit parts, with long-term credentials.
    public init(credentials: AWSCredentials, region: String?, s3Endpoint: String?, cloudTrailEndpoint: String?, profile: String? = nil) {
        self.init(credentials: RefreshableCredentials(fixed: credentials), region: region, s3Endpoint: s3Endpoint,
                  cloudTrailEndpoint: cloudTrailEndpoint, profile: profile)
    }

    /// Creates an environment from explicit parts.
    public init(credentials: RefreshableCredentials, region: String?, s3Endpoint: String?, cloudTrailEndpoint: String?, profile: String? = nil) {
        self.credentials = credentials
        self.region = region
        self.s3Endpoint = s3Endpoint
        self.cloudTrailEndpoint = cloudTrailEndpoint
        self.profile = profile
    }

    /// Resolves credentials, region and endpoints from flags, the process environment and the
    /// AWS CLI's files.
    /// - Parameters:
    ///   - profile: --profile, else AWS_PROFILE, else `default`.
    ///   - region: --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`.
    ///   - endpointURL: --endpoint-url, for the service `endpointService` only (the other one
    ///     keeps its AWS_ENDPOINT_URL_* variable, so an S3 store and a CloudTrail stand-in can differ).
    ///   - environment: the process environment.
    /// - Throws: `NoCredentialsError` listing every credential source when none applies, or the
    ///   `CredentialError` of a source that applies and fails.
    public static func resolve(profile: String?, region: String?, endpointURL: String?, endpointService: Service = .s3,
                               environment: [String: String]) throws -> AWSEnvironment {
        let home = environment["HOME"] ?? "/root"
        let files = AWSProfileFiles(credentialsPath: nil, configPath: environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config")
        let explicitProfile = profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"]
        let profileConfig = files.config[explicitProfile ?? "default"] ?? [:]
        let stsRegion = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? profileConfig["region"]
        let context = CredentialContext(environment: environment, profileFlag: profile, region: stsRegion)
        let credentials = try CredentialChain(context: context).resolve()
        var resolved = try AWSEnvironment.endpoints(credentials: credentials, profile: profile, region: region, endpointURL: endpointURL,
                                                    endpointService: endpointService, environment: environment, profileConfig: profileConfig,
                                                    explicitProfile: explicitProfile)
        resolved.credentialContext = context
        return resolved
    }

    private static func endpoints(credentials: RefreshableCredentials, profile: String?, region: String?, endpointURL: String?,
                                  endpointService: Service, environment: [String: String], profileConfig: [String: String],
                                  explicitProfile: String?) throws -> AWSEnvironment {
        let resolvedRegion = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? profileConfig["region"]
        let generalEndpoint = environment["AWS_ENDPOINT_URL"] ?? profileConfig["endpoint_url"]
        let s3Flag = endpointService == .s3 ? endpointURL : nil
        let cloudTrailFlag = endpointService == .cloudTrail ? endpointURL : nil
        return AWSEnvironment(
            credentials: credentials, region: resolvedRegion,
            s3Endpoint: s3Flag ?? environment["AWS_ENDPOINT_URL_S3"] ?? generalEndpoint,
            cloudTrailEndpoint: cloudTrailFlag ?? environment["AWS_ENDPOINT_URL_CLOUDTRAIL"] ?? generalEndpoint,
            profile: explicitProfile)
    }

    /// The AWS services trailproof calls.
    public enum Service: Sendable {
        /// S3 (objects).
        case s3
        /// CloudTrail (ListPublicKeys).
        case cloudTrail
    }
}

/// AWS settings that cannot be used.
public enum AWSConfigurationError: Error, Sendable, CustomStringConvertible {
    /// A request needs a region and none is configured.
    case noRegion(String)

    public var description: String { text(.plain) }

    /// What is wrong, naming the inputs as `names` does.
    public func text(_ names: InputNames) -> String {
        switch self {
        case .noRegion(let what):
            return "no AWS region for \(what): give \(names.region) or set AWS_REGION"
        }
    }
}
