/// What every credential source reads: the process environment, the AWS CLI's files, the
/// profile chosen and the region.
public struct CredentialContext: Sendable {
    /// The process environment.
    public let environment: [String: String]
    /// The profile in use: --profile, AWS_PROFILE, or `default`.
    public let profileName: String
    /// True when --profile named it: as in the AWS CLI, the environment's keys are then ignored.
    public let profileFromFlag: Bool
    /// The region for STS, if any.
    public let region: String?
    let files: AWSProfileFiles

    /// Reads the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (else under HOME).
    public init(environment: [String: String], profileFlag: String?, region: String?) {
        self.environment = environment
        let home = environment["HOME"] ?? "/root"
        files = AWSProfileFiles(
            credentialsPath: environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials",
            configPath: environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config")
        profileName = profileFlag ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        profileFromFlag = profileFlag != nil
        self.region = region
    }

    /// The user's home directory.
    var home: String { environment["HOME"] ?? "/root" }

    /// A profile's settings from the config file, overlaid by the credentials file (as botocore
    /// merges them); nil when neither file has it.
    func profile(_ name: String) -> [String: String]? {
        let config = files.config[name], credentials = files.credentials[name]
        if config == nil && credentials == nil { return nil }
        return (config ?? [:]).merging(credentials ?? [:]) { _, fromCredentials in fromCredentials }
    }

    /// The settings of the profile in one file only.
    func profile(_ name: String, inCredentialsFile: Bool) -> [String: String] {
        (inCredentialsFile ? files.credentials[name] : files.config[name]) ?? [:]
    }

    /// An `[sso-session NAME]` section of the config file.
    func ssoSession(_ name: String) -> [String: String]? { files.config["sso-session \(name)"] }

    /// The value of an environment variable, nil when unset or empty.
    func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// Where STS requests go: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, else the regional endpoint
    /// (the global one without a region), and the region to sign for.
    var stsEndpoint: (url: String, signingRegion: String) {
        let signing = region ?? "us-east-1"
        if let url = variable("AWS_ENDPOINT_URL_STS") ?? variable("AWS_ENDPOINT_URL") { return (url, signing) }
        guard let region else { return ("https://sts.amazonaws.com", signing) }
        return ("https://sts.\(region).\(CredentialContext.dnsSuffix(region))", signing)
    }

    /// The IAM Identity Center portal for `ssoRegion`: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, else AWS's.
    func ssoEndpoint(ssoRegion: String) -> String {
        variable("AWS_ENDPOINT_URL_SSO") ?? variable("AWS_ENDPOINT_URL")
            ?? "https://portal.sso.\(ssoRegion).\(CredentialContext.dnsSuffix(ssoRegion))"
    }

    /// amazonaws.com, or amazonaws.com.cn in the China regions.
    static func dnsSuffix(_ region: String) -> String {
        region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
    }
}
