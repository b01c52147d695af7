import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// The credential servers scripts/test-servers.sh starts: moto's STS
/// (TRAILPROOF_TEST_STS_ENDPOINT) and the stand-ins of scripts/fake-credentials.py
/// (TRAILPROOF_TEST_CREDENTIALS_ENDPOINT: instance metadata, container endpoint, SSO portal).
enum CredentialServers {
    static var sts: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_STS_ENDPOINT"] }
    static var endpoints: String? { ProcessInfo.processInfo.environment["TRAILPROOF_TEST_CREDENTIALS_ENDPOINT"] }

    /// True when both are up; records an issue when CI expected them.
    static var available: Bool {
        if sts != nil && endpoints != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("TRAILPROOF_TEST_STS_ENDPOINT / TRAILPROOF_TEST_CREDENTIALS_ENDPOINT are not set: run the suite with scripts/test")
        }
        return false
    }

    /// An environment that reads nothing of the real user's: files in `scratch`, STS and the SSO
    /// portal at the test servers, no instance metadata service.
    static func environment(_ scratch: ScratchDirectory) -> [String: String] {
        ["HOME": scratch.path, "AWS_CONFIG_FILE": scratch.path + "/config", "AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/credentials",
         "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": sts ?? "http://127.0.0.1:9", "AWS_ENDPOINT_URL_SSO": endpoints ?? "http://127.0.0.1:9",
         "AWS_EC2_METADATA_DISABLED": "true", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    }

    /// How many calls the stand-in received on `path`.
    static func count(_ path: String) throws -> Int {
        guard let endpoints else { return -1 }
        var body: [UInt8] = []
        _ = try HTTPTransfer().perform(HTTPRequest(method: "GET", url: endpoints + "/_trailproof/count?path=" + SigV4Signer.uriEncode(path))) {
            body.append(contentsOf: $0)
        }
        return Int(String(decoding: body, as: UTF8.self)) ?? -1
    }

    /// Writes the AWS CLI's cached IAM Identity Center token for `key` (a session name or a start URL).
    static func writeSSOToken(_ token: String, key: String, expiresIn seconds: Int64, home: String) throws {
        let directory = home + "/.aws/sso/cache"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let expires = UTCTime.now.adding(seconds: seconds).iso8601
        try LocalFile.write(Array(#"{"accessToken": "\#(token)", "expiresAt": "\#(expires)", "region": "us-east-1", "startUrl": "https://example.awsapps.com/start"}"#.utf8),
                            to: "\(directory)/\(try MessageDigest.sha1Hex(Array(key.utf8))).json")
    }
}
