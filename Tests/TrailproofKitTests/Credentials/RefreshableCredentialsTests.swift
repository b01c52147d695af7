import Foundation
import Synchronization
import Testing
@testable import TrailproofKit

/// A source that numbers its keys and can be told to fail.
final class CountingProvider: CredentialProvider {
    let calls = Mutex(0)
    let failing = Mutex(false)
    let lifetime: Int64
    let clock: @Sendable () -> UTCTime
    init(lifetime: Int64, clock: @escaping @Sendable () -> UTCTime) { self.lifetime = lifetime; self.clock = clock }
    var name: String { "counting" }
    func skipReason() -> String? { nil }
    func fetch() throws -> FetchedCredentials {
        if failing.withLock({ $0 }) { throw CredentialError(source: name, "down") }
        let number = calls.withLock { $0 += 1; return $0 }
        return FetchedCredentials(credentials: AWSCredentials(accessKeyID: "ASIA\(number)", secretAccessKey: "s", sessionToken: "t", source: name),
                                  expiration: clock().adding(seconds: lifetime))
    }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
    let now = Mutex(UTCTime(secondsSinceEpoch: 1_800_000_000))
    func advance(_ seconds: Int64) { now.withLock { $0 = $0.adding(seconds: seconds) } }
    var read: @Sendable () -> UTCTime { { self.now.withLock { $0 } } }
}

@Suite struct RefreshableCredentialsTests {
    func holder(lifetime: Int64 = 3600) throws -> (RefreshableCredentials, CountingProvider, ManualClock) {
        let clock = ManualClock()
        let provider = CountingProvider(lifetime: lifetime, clock: clock.read)
        return (RefreshableCredentials(provider: provider, initial: try provider.fetch(), clock: clock.read), provider, clock)
    }

    @Test func credentialsFarFromExpiryAreNotFetchedAgain() throws {
        let (credentials, provider, clock) = try holder()
        clock.advance(3600 - 16 * 60)
        #expect(try credentials.current().accessKeyID == "ASIA1")
        #expect(provider.calls.withLock { $0 } == 1)
    }

    @Test func within15MinutesOfExpiryTheyAreRefreshed() throws {
        let (credentials, _, clock) = try holder()
        clock.advance(3600 - 14 * 60)
        #expect(try credentials.current().accessKeyID == "ASIA2")
        #expect(try credentials.current().accessKeyID == "ASIA2")
        #expect(credentials.refreshCount == 1)
    }

    @Test func aFailedAdvisoryRefreshKeepsTheOldKeysAndAFailedMandatoryOneThrows() throws {
        let (credentials, provider, clock) = try holder()
        provider.failing.withLock { $0 = true }
        clock.advance(3600 - 10 * 60)
        #expect(try credentials.current().accessKeyID == "ASIA1")
        clock.advance(6 * 60)
        #expect(throws: CredentialError.self) { try credentials.current() }
        provider.failing.withLock { $0 = false }
        #expect(try credentials.current().accessKeyID == "ASIA2")
    }

    @Test func concurrentSignersShareOneRefresh() async throws {
        let (credentials, provider, clock) = try holder()
        clock.advance(3600 - 60)
        await withTaskGroup(of: String?.self) { group in
            for _ in 0..<16 { group.addTask { try? credentials.current().accessKeyID } }
            for await id in group { #expect(id == "ASIA2") }
        }
        #expect(provider.calls.withLock { $0 } == 2)
    }

    @Test func longTermKeysNeverRefresh() throws {
        let credentials = RefreshableCredentials(fixed: AWSCredentials(accessKeyID: "AKIA", secretAccessKey: "s", source: "environment"))
        #expect(try credentials.current().accessKeyID == "AKIA")
        #expect(credentials.expiration == nil && credentials.refreshCount == 0)
    }
}
