import Foundation
import Testing
import TrailproofNative

/// The servers scripts/test-servers.sh starts for this target. Every other suite here is skipped
/// when its servers are not configured, so this test is what makes a missing server a failure:
/// under CI (CI set), or as soon as any of them is configured, every one must be configured and
/// answer on its health path; otherwise it fails and names the servers that did not.
@Suite struct ServerAvailabilityTests {
    /// A server the suites need: its variable, what answers a health check, and who needs it.
    struct Server: CustomStringConvertible {
        let variable: String
        let healthPath: String
        let neededBy: String

        var endpoint: String? { ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 } }
        var description: String { "\(variable) (\(neededBy))" }
    }

    static let servers = [
        Server(variable: "TRAILPROOF_TEST_S3_ENDPOINT", healthPath: "/", neededBy: "moto's S3, for every S3 suite"),
        Server(variable: "TRAILPROOF_TEST_SEAWEEDFS_ENDPOINT", healthPath: "/", neededBy: "SeaweedFS's S3, for the suites run on both S3 servers"),
        Server(variable: "TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT", healthPath: "/_trailproof/health", neededBy: "the CloudTrail stand-in"),
        Server(variable: "TRAILPROOF_TEST_STS_ENDPOINT", healthPath: "/", neededBy: "moto's STS, for the credential suites"),
        Server(variable: "TRAILPROOF_TEST_CREDENTIALS_ENDPOINT", healthPath: "/_trailproof/health", neededBy: "the credential stand-ins"),
        Server(variable: "TRAILPROOF_TEST_CLICKHOUSE_ENDPOINT", healthPath: "/ping", neededBy: "ClickHouse, for the record sink tests"),
    ]

    static var underCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Why `server` cannot be used, or nil when it answers.
    static func problem(_ server: Server) -> String? { problem(server, at: server.endpoint) }

    /// Why `server` at `endpoint` cannot be used, or nil when it answers.
    static func problem(_ server: Server, at endpoint: String?) -> String? {
        guard let endpoint else { return "\(server) is not set" }
        let base = endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") ? endpoint : "http://" + endpoint
        do {
            let transfer = try HTTPTransfer()
            var body: [UInt8] = []
            let head = try transfer.perform(HTTPRequest(method: "GET", url: base + server.healthPath)) { body.append(contentsOf: $0) }
            return head.status < 500 ? nil : "\(server) at \(base) answered \(head.status)"
        } catch {
            return "\(server) at \(base) does not answer: \(error)"
        }
    }

    @Test(.enabled(if: underCI || servers.contains { $0.endpoint != nil },
                   "no test server is configured and CI is not set: the S3 suites are skipped (run them through scripts/test-servers.sh)"))
    func everyServerTheSuitesNeedIsConfiguredAndAnswers() {
        #expect(Self.servers.count == 6)
        let problems = Self.servers.compactMap(Self.problem)
        #expect(problems.isEmpty, "the suites that need these servers would be skipped or fail:\n\(problems.joined(separator: "\n"))")
    }

    @Test func aServerThatIsNotSetOrDoesNotAnswerIsNamed() throws {
        let unset = Server(variable: "TRAILPROOF_TEST_NO_SUCH_SERVER", healthPath: "/", neededBy: "nothing")
        #expect(Self.problem(unset) == "TRAILPROOF_TEST_NO_SUCH_SERVER (nothing) is not set")
        // Port 9 (discard) on loopback: nothing listens there.
        let dead = try #require(Self.problem(unset, at: "127.0.0.1:9"))
        #expect(dead.hasPrefix("TRAILPROOF_TEST_NO_SUCH_SERVER (nothing) at http://127.0.0.1:9 does not answer: "), "\(dead)")
    }
}
