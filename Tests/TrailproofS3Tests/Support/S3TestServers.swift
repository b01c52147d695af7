import Foundation
import Testing

/// The servers scripts/test starts for this target (scripts/test-servers.sh):
/// TRAILPROOF_TEST_S3_ENDPOINT (moto's S3) and TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT (the
/// CloudTrail stand-in, scripts/fake-cloudtrail.py). Under CI they must be there; on a
/// developer's machine without them the tests are skipped with a message.
enum S3TestServers {
    static var s3Endpoint: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_S3_ENDPOINT"] }
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
