import Synchronization

/// Credentials shared by every request of a run, refreshed ahead of their expiry the way
/// botocore does: from 15 minutes before expiry a refresh is tried and a failure keeps the old
/// keys (advisory); from 5 minutes before, a refresh must succeed (mandatory). Thread-safe: one
/// thread refreshes while the others wait for the result.
public final class RefreshableCredentials: Sendable {
    /// Seconds before expiry from which a refresh is attempted.
    public static let advisoryRefresh: Int64 = 15 * 60
    /// Seconds before expiry from which fresh credentials are required.
    public static let mandatoryRefresh: Int64 = 5 * 60

    /// The source, for reports.
    public let sourceName: String
    private let fetch: @Sendable () throws -> FetchedCredentials
    private let clock: @Sendable () -> UTCTime
    private let state: Mutex<FetchedCredentials>
    private let refreshes = Mutex<Int>(0)

    /// Wraps credentials already fetched from `provider`.
    public init(provider: any CredentialProvider, initial: FetchedCredentials,
                clock: @escaping @Sendable () -> UTCTime = { UTCTime.now }) {
        sourceName = provider.name
        fetch = { try provider.fetch() }
        self.clock = clock
        state = Mutex(initial)
    }

    /// Long-term credentials that never refresh.
    public init(fixed credentials: AWSCredentials) {
        sourceName = credentials.source
        fetch = { FetchedCredentials(credentials: credentials) }
        clock = { UTCTime.now }
        state = Mutex(FetchedCredentials(credentials: credentials))
    }

    /// Refreshes made so far.
    public var refreshCount: Int { refreshes.withLock { $0 } }

    /// When the current credentials expire, if they do.
    public var expiration: UTCTime? { state.withLock { $0.expiration } }

    /// The credentials to sign with now, refreshed first when they are close to expiry.
    /// - Throws: `CredentialError` when they are within the mandatory window and the refresh fails.
    public func current() throws -> AWSCredentials {
        let outcome: Result<AWSCredentials, any Error> = state.withLock { held in
            guard let expiration = held.expiration else { return .success(held.credentials) }
            let left = expiration.secondsSinceEpoch - clock().secondsSinceEpoch
            guard left <= RefreshableCredentials.advisoryRefresh else { return .success(held.credentials) }
            do {
                let fresh = try fetch()
                refreshes.withLock { $0 += 1 }
                held = fresh
                return .success(fresh.credentials)
            } catch {
                if left > RefreshableCredentials.mandatoryRefresh { return .success(held.credentials) }
                return .failure(error)
            }
        }
        return try outcome.get()
    }
}
