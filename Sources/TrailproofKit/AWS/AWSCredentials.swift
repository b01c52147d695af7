/// An AWS access key, as the AWS CLI resolves it. Never printed: `description` redacts it.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    /// AWS_ACCESS_KEY_ID.
    public var accessKeyID: String
    /// AWS_SECRET_ACCESS_KEY.
    public var secretAccessKey: String
    /// AWS_SESSION_TOKEN, for temporary credentials.
    public var sessionToken: String?
    /// Where they came from ("environment", "profile default in ~/.aws/credentials", …).
    public var source: String

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.source = source
    }

    public var description: String {
        "credentials \(accessKeyID.prefix(4))…(redacted) from \(source)"
    }
}
