import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Every key a listing returns is accounted for: a trail object, a counted object of another
/// service, or a finding that names it. Keys that name a trail object in all but their shape (a
/// leading, doubled or trailing slash, a `.` or `..` component, a canonically equivalent
/// spelling, a key near S3's 1,024-byte limit) are planted in a real S3 server (moto), each
/// holding a genuine log file's or digest's bytes.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct OddKeyShapeTests {
    /// The shapes of a key derived from a genuine `key` (`AWSLogs/...`, no prefix).
    static func shapes(of key: String) -> [String] {
        let rest = String(key.dropFirst("AWSLogs/".count))
        return [
            "/" + key,                                      // leading slash
            "AWSLogs//" + rest,                             // doubled slash
            "./" + key,                                     // ./ component
            "AWSLogs/./" + rest,                            // . inside
            "AWSLogs/x/../" + rest,                         // .. inside
            key + "/",                                      // trailing slash, with content
            key.replacingOccurrences(of: "CloudTrail/", with: "CloudTrail//"),
            String(repeating: "L", count: 1_020 - key.utf8.count) + "/" + key,  // 1,021 bytes
        ]
    }

    /// Puts each (key, file) with boto3: it sends `.` and `..` components as they are (libcurl
    /// would squash them), and a key as its bytes.
    static func put(_ objects: [(key: String, file: String, signature: String?)], into trail: S3Trail) throws {
        let script = """
            import boto3, json, sys
            from botocore.config import Config
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
            for item in json.load(open(sys.argv[3])):
                extra = {"Metadata": {"signature": item["signature"], "signature-algorithm": "SHA256withRSA"}} if item["signature"] else {}
                s3.put_object(Bucket=sys.argv[2], Key=item["key"], Body=open(item["file"], "rb").read(), **extra)
            """
        let list = objects.map { ["key": $0.key, "file": $0.file, "signature": $0.signature as Any] }
        let listFile = trail.scratch.path + "/odd-objects.json"
        try LocalFile.write(Array(try JSONSerialization.data(withJSONObject: list)), to: listFile)
        let run = try ExternalCommand.run(["python3", "-c", script, trail.s3Endpoint, trail.bucket, listFile],
                                          environment: trail.awsProcessEnvironment)
        guard run.status == 0 else { throw ExternalCommandFailed(run) }
    }

    @Test(arguments: [UInt64(3), 8])
    func everyOddlyShapedKeyIsANamedFinding(seed: UInt64) throws {
        let trail = try S3Trail("odd-shapes") { $0.seed = seed; $0.hours = 4 }
        defer { trail.remove() }
        try trail.upload()
        try trail.registerKeys()
        var random = SeededGenerator(seed: seed)
        let log = try #require(trail.trail.logFiles.filter { $0.digestKey != nil }.randomElement(using: &random))
        let digest = try #require(trail.digests.dropFirst().first)
        var planted: [(key: String, file: String, signature: String?)] = Self.shapes(of: log.key).map { ($0, trail.trail.path(of: log.key), nil) }
        planted += Self.shapes(of: digest.key).prefix(3).map { ($0, trail.trail.path(of: digest.key), digest.signatureHex) }
        // Not a trail folder at all (s + combining dot above): an object of another kind, counted.
        let other = log.key.replacingOccurrences(of: "AWSLogs", with: "AWSLog\u{73}\u{307}")
        try Self.put(planted + [(other, trail.trail.path(of: log.key), nil)], into: trail)

        // Every valid record listed (--list-valid), to check each genuine object one by one.
        let report = try trail.verifyInS3 { $0.policy.listsValidLogFiles = true; $0.policy.listsValidDigests = true }
        let named = Set(report.logFiles.filter { $0.verdict.isFinding }.map { Array($0.key.utf8) }
            + report.objects.map { Array($0.key.utf8) }
            + report.digests.filter { $0.verdict != .valid }.compactMap { $0.key.map { Array($0.utf8) } })
        for object in planted {
            #expect(named.contains(Array(object.key.utf8)), "\(object.key.debugDescription) is named")
        }
        #expect(report.noticeTexts.contains { $0.sameBytes(as: "ignored 1 objects under AWSLog\u{73}\u{307}/") }, "\(report.noticeTexts)")
        #expect(report.totals.exitStatus == 1)
        let valid = Set(report.logFiles.filter { $0.verdict == .valid }.map { Array($0.key.utf8) })
        #expect(Set(trail.trail.logFiles.filter { $0.digestKey != nil }.map { Array($0.key.utf8) }).isSubset(of: valid))
        #expect(report.digests.filter { $0.verdict == .valid }.count == trail.trail.digests.count)
    }
}
