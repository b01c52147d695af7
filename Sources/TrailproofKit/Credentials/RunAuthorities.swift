/// Every authority a run over S3 trusted besides the evidence: the endpoints that answered
/// (CloudTrail's ListPublicKeys, S3, STS) and the identity that signed the requests. Never a secret.
public struct RunAuthorities: Sendable, Codable, Equatable {
    /// One endpoint the run used.
    public struct Endpoint: Sendable, Codable, Equatable {
        /// `cloudtrail` (ListPublicKeys), `s3` or `sts`.
        public var service: String
        /// The URL requests went to.
        public var url: String
        /// True when it is AWS's own (https, a host under amazonaws.com, amazonaws.com.cn or api.aws);
        /// false for an override (`--endpoint-url`, `AWS_ENDPOINT_URL*`).
        public var awsOwned: Bool

        /// Creates an endpoint record, judging whether `url` is AWS's own.
        public init(service: String, url: String) {
            self.service = service
            self.url = url
            awsOwned = RunAuthorities.isAWSOwned(url)
        }
    }

    /// The endpoints, in the order the run used them.
    public var endpoints: [Endpoint]
    /// True when any endpoint is an override, not AWS's own: whoever runs it answered for AWS.
    public var endpointOverride: Bool
    /// The credential source by name (`environment`, `sso profile audit`, `web identity`, `instance role`, …).
    public var credentialSource: String
    /// GetCallerIdentity's ARN: who the run signed as.
    public var callerARN: String?
    /// GetCallerIdentity's account.
    public var callerAccount: String?
    /// Why there is no identity (GetCallerIdentity not asked, or it failed).
    public var identityUnavailable: String?

    /// Creates a record.
    public init(endpoints: [Endpoint], credentialSource: String, callerARN: String? = nil, callerAccount: String? = nil,
                identityUnavailable: String? = nil) {
        self.endpoints = endpoints
        endpointOverride = endpoints.contains { !$0.awsOwned }
        self.credentialSource = credentialSource
        self.callerARN = callerARN
        self.callerAccount = callerAccount
        self.identityUnavailable = identityUnavailable
    }

    /// True for https URLs on AWS's own domains.
    public static func isAWSOwned(_ url: String) -> Bool {
        guard let parsed = ParsedURL(url), parsed.scheme.lowercased() == "https" else { return false }
        let host = parsed.host.lowercased()
        return ["amazonaws.com", "amazonaws.com.cn", "api.aws"].contains { host.hasSuffix("." + $0) }
    }

    /// The warning to print beside the verdict when an endpoint is an override, else nil.
    public var overrideWarning: String? {
        let overrides = endpoints.filter { !$0.awsOwned }
        guard !overrides.isEmpty else { return nil }
        return "WARNING: endpoint override: " + overrides.map { "\($0.service) at \($0.url)" }.joined(separator: ", ")
            + " is not AWS's own; what it answered (public keys, objects, identity) is only as trustworthy as that server"
    }

    /// The identity in words: `ARN (account N), credentials from SOURCE`.
    public var identityText: String {
        let who = callerARN.map { "\($0) (account \(callerAccount ?? "?"))" } ?? "identity unknown (\(identityUnavailable ?? "not asked"))"
        return "\(who), credentials from \(credentialSource)"
    }

    /// Endpoints in words.
    public var endpointsText: String {
        endpoints.map { "\($0.service) \($0.url)\($0.awsOwned ? "" : " (override)")" }.joined(separator: "; ")
    }

    /// The endpoints and identity of a run with `environment`: S3 at the bucket's endpoint,
    /// ListPublicKeys in `keyRegions` (none when keys came from a file), and GetCallerIdentity,
    /// called once here unless the S3 endpoint is an override and STS has none (a store that is
    /// not AWS has no identity at AWS to ask).
    /// - Parameter askIdentity: false when the caller already knows the identity (asked earlier in the process).
    public static func collect(environment: AWSEnvironment, bucket: String?, keyRegions: [String], stsContext: CredentialContext,
                               askIdentity: Bool = true) -> RunAuthorities {
        var endpoints: [Endpoint] = []
        if let bucket {
            endpoints.append(Endpoint(service: "s3", url: environment.s3Endpoint ?? "https://\(bucket).s3.amazonaws.com/"))
        }
        for region in keyRegions {
            endpoints.append(Endpoint(service: "cloudtrail", url: environment.cloudTrailEndpoint ?? "https://cloudtrail.\(region).amazonaws.com/"))
        }
        let sts = stsContext.stsEndpoint.url
        let stsOverridden = stsContext.variable("AWS_ENDPOINT_URL_STS") != nil || stsContext.variable("AWS_ENDPOINT_URL") != nil
        if environment.s3Endpoint != nil && !stsOverridden {
            return RunAuthorities(endpoints: endpoints, credentialSource: environment.credentials.sourceName,
                                  identityUnavailable: "GetCallerIdentity not asked: the S3 endpoint is an override and STS has none")
        }
        endpoints.append(Endpoint(service: "sts", url: sts))
        guard askIdentity else { return RunAuthorities(endpoints: endpoints, credentialSource: environment.credentials.sourceName) }
        do {
            let identity = try STSClient(context: stsContext).callerIdentity(credentials: try environment.credentials.current())
            return RunAuthorities(endpoints: endpoints, credentialSource: environment.credentials.sourceName,
                                  callerARN: identity.arn, callerAccount: identity.account)
        } catch {
            return RunAuthorities(endpoints: endpoints, credentialSource: environment.credentials.sourceName,
                                  identityUnavailable: "GetCallerIdentity failed: \(error)")
        }
    }
}
