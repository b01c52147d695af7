import Foundation
import Synchronization
import Testing

/// The servers scripts/test starts for this target (scripts/test-servers.sh):
/// TRAILPROOF_TEST_S3_ENDPOINT (moto's S3), TRAILPROOF_TEST_SEAWEEDFS_ENDPOINT (SeaweedFS's S3)
/// and TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT (the CloudTrail stand-in, scripts/fake-cloudtrail.py).
/// Under CI they must be there; on a developer's machine without them the tests are skipped with
/// a message (ServerAvailabilityTests fails when only some of them are there).
enum S3TestServers {
    static var s3Endpoint: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_S3_ENDPOINT"] }
    static var seaweedFSEndpoint: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_SEAWEEDFS_ENDPOINT"] }
    static var cloudTrailEndpoint: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT"] }
    /// HOST:PORT of the ClickHouse server (its HTTP interface).
    static var clickHouseEndpoint: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_CLICKHOUSE_ENDPOINT"] }

    /// True when the servers are up; records an issue when CI expected them.
    static var available: Bool {
        if s3Endpoint != nil && cloudTrailEndpoint != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("TRAILPROOF_TEST_S3_ENDPOINT / TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT are not set: run the suite with scripts/test")
        }
        return false
    }
}

/// An S3 implementation the S3 suites run against: the suites about S3 itself (verification,
/// archive, records into S3, follow mode) take it as an argument and expect the same reports of
/// both. moto alone plays AWS's other services (STS, and beside the CloudTrail stand-in) and
/// stands behind the fault proxy and hostile-server tests.
enum S3Server: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// moto's S3 (Python; checks no signature, accepts any access key id).
    case moto
    /// SeaweedFS's S3 gateway (Go; checks every SigV4 signature against its identities).
    case seaweedFS = "seaweedfs"

    var testDescription: String { rawValue }

    /// The endpoint scripts/test-servers.sh exported for it.
    var endpoint: String? {
        switch self {
        case .moto: S3TestServers.s3Endpoint
        case .seaweedFS: S3TestServers.seaweedFSEndpoint
        }
    }

    /// How many identities scripts/test-servers.sh gives SeaweedFS: TPSEAWEED00000000000 to
    /// TPSEAWEED00000004095 (the last one is its readiness check's), secret "test".
    static let seaweedFSIdentities = 4095
    private static let seaweedFSIdentitiesHandedOut = Atomic<Int>(0)

    /// A fresh access key id for one trail: the CloudTrail stand-in keeps keys and trails per
    /// access key id, so trails tested in parallel must not share one. Any id for moto; for
    /// SeaweedFS the next identity it knows (nil when they are all handed out).
    func newAccessKeyID() -> String? {
        switch self {
        case .moto:
            return "TP" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(18).uppercased()
        case .seaweedFS:
            let number = Self.seaweedFSIdentitiesHandedOut.add(1, ordering: .relaxed).oldValue
            guard number < Self.seaweedFSIdentities else { return nil }
            let digits = String(number)
            return "TPSEAWEED" + String(repeating: "0", count: 11 - digits.count) + digits
        }
    }
}
