import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTestSupport

@Suite struct SigV4SignerTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                            source: "test")

    /// AWS's published Signature Version 4 test suite, "get-vanilla".
    @Test func matchesAWSPublishedGetVanillaVector() throws {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let date = try #require(UTCTime(parsing: "2015-08-30T12:36:00Z"))
        let signed = try signer.sign(HTTPRequest(method: "GET", url: "https://example.amazonaws.com/"), date: date)
        let authorization = signed.headers.first { $0.name == "Authorization" }?.value
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    /// The same requests signed by botocore (the AWS CLI's signer) give the same Authorization.
    @Test(arguments: [
        ("GET", "http://127.0.0.1:9000/my-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/a%20b%2Bc.json.gz", "s3", ""),
        ("GET", "https://my-bucket.s3.eu-west-2.amazonaws.com/?list-type=2&prefix=AWSLogs%2F&max-keys=1000&encoding-type=url", "s3", ""),
        ("HEAD", "https://s3.us-east-1.amazonaws.com/dotted.bucket.name/key~with_odd-chars.json.gz", "s3", ""),
        ("POST", "https://cloudtrail.ap-south-1.amazonaws.com/", "cloudtrail", "{\"StartTime\": 1, \"EndTime\": 2}"),
    ])
    func agreesWithBotocore(method: String, url: String, service: String, body: String) throws {
        guard let region = url.contains("eu-west-2") ? "eu-west-2" : url.contains("ap-south-1") ? "ap-south-1" : "us-east-1" as String? else { return }
        let credentials = AWSCredentials(accessKeyID: "AKIAEXAMPLE", secretAccessKey: "secret/key+value", sessionToken: "token==", source: "test")
        let date = try #require(UTCTime(parsing: "2026-01-08T05:21:42Z"))
        var request = HTTPRequest(method: method, url: url, body: Array(body.utf8))
        if service == "cloudtrail" {
            request.headers = [("Content-Type", "application/x-amz-json-1.1"),
                               ("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys")]
        }
        let signed = try SigV4Signer(credentials: credentials, region: region, service: service).sign(request, date: date)
        let ours = try #require(signed.headers.first { $0.name == "Authorization" }?.value)
        let theirs = try Self.botocoreAuthorization(signed: signed, region: region, service: service, body: body)
        #expect(ours == theirs)
    }

    /// Signs with botocore the request as we send it (same headers), returning its Authorization.
    static func botocoreAuthorization(signed: HTTPRequest, region: String, service: String, body: String) throws -> String {
        let headers = signed.headers.filter { $0.name != "Authorization" && $0.name != "host" }
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers.map { [$0.name, $0.value] }), as: UTF8.self)
        let script = """
            import json, sys
            from botocore.auth import SigV4Auth, S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            url, method, region, service, body, headers = sys.argv[1:7]
            request = AWSRequest(method=method, url=url, data=body.encode())
            for name, value in json.loads(headers):
                request.headers[name] = value
            amz_date = request.headers['x-amz-date']
            del request.headers['x-amz-date']
            cls = S3SigV4Auth if service == 's3' else SigV4Auth
            auth = cls(Credentials('AKIAEXAMPLE', 'secret/key+value', 'token=='), service, region)
            import datetime
            class Fixed(datetime.datetime):
                @classmethod
                def utcnow(cls): return datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ')
                @classmethod
                def now(cls, tz=None): return datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ').replace(tzinfo=tz)
            import botocore.auth
            botocore.auth.datetime.datetime = Fixed
            if 'x-amz-security-token' in request.headers: del request.headers['x-amz-security-token']
            if 'x-amz-content-sha256' in request.headers: del request.headers['x-amz-content-sha256']
            auth.add_auth(request)
            print(request.headers['Authorization'])
            """
        let run = try ProcessRunner.run("python3", ["-c", script, signed.url, signed.method, region, service, body, headerJSON])
        #expect(run.status == 0, "\(run)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func uriEncodingFollowsRFC3986() {
        #expect(SigV4Signer.uriEncode("a b+c/d~e_f-g.h") == "a%20b%2Bc%2Fd~e_f-g.h")
        #expect(SigV4Signer.uriEncode("é") == "%C3%A9")
    }

    @Test func credentialsNeverPrintTheirSecret() {
        let text = "\(Self.credentials)"
        #expect(!text.contains(Self.credentials.secretAccessKey))
        #expect(!text.contains(Self.credentials.accessKeyID))
    }
}
