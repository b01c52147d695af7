/// Credentials as a source hands them out: temporary ones carry their expiry.
public struct FetchedCredentials: Sendable {
    /// The keys.
    public var credentials: AWSCredentials
    /// When they stop working; nil for long-term keys.
    public var expiration: UTCTime?

    /// Creates fetched credentials.
    public init(credentials: AWSCredentials, expiration: UTCTime? = nil) {
        self.credentials = credentials
        self.expiration = expiration
    }
}

/// One place credentials can come from, as in botocore's chain (environment, assume-role
/// profile, web identity, IAM Identity Center, …).
public protocol CredentialProvider: Sendable {
    /// The source by name for reports, never a secret: `environment`, `sso profile audit`, …
    var name: String { get }
    /// Why this source does not apply (not configured), or nil when it does. A source that
    /// applies and then fails throws from `fetch()`; it is never skipped silently.
    func skipReason() -> String?
    /// Fetches credentials; called once, then again on every refresh.
    /// - Throws: `CredentialError` naming the source and what to do.
    func fetch() throws -> FetchedCredentials
}

/// A credential source that applies but cannot give credentials. Messages never carry a secret.
public struct CredentialError: Error, Sendable, CustomStringConvertible {
    /// The source by name.
    public let source: String
    /// What went wrong, and what to do.
    public let message: String

    /// Creates an error.
    public init(source: String, _ message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
