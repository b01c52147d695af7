import FoundationEssentials
import TrailproofNative

/// One call of CloudTrail's JSON 1.1 API in a region, signed with SigV4.
struct CloudTrailAPI {
    let http: AWSHTTPClient
    let region: String

    /// Posts `body` as `operation` and returns the response body of a 200 answer.
    /// - Throws: `AWSRequestError` naming the operation, the region and the status otherwise.
    func call(_ operation: String, body: [UInt8]) throws -> [UInt8] {
        let endpoint = http.environment.cloudTrailEndpoint.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
            ?? "https://cloudtrail.\(region).amazonaws.com/"
        let signer = SigV4Signer(credentials: http.environment.credentials, region: region, service: "cloudtrail")
        let request = HTTPRequest(method: "POST", url: endpoint, headers: [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + operation),
        ], body: body)
        let object = "\(operation) in \(region)"
        let (head, response) = try http.sendCollecting(request, signer: signer, object: object)
        guard head.status == 200 else {
            throw AWSRequestError(object: object, status: head.status, code: AWSRequestError.errorCode(head.errorBody),
                                  message: String(decoding: head.errorBody.prefix(300), as: UTF8.self), attempts: 1)
        }
        return response
    }
}

/// CloudTrail's DescribeTrails: what a trail ARN names.
public struct CloudTrailTrails: Sendable {
    /// The HTTP client.
    public let http: AWSHTTPClient

    /// Creates a caller.
    public init(http: AWSHTTPClient) { self.http = http }

    /// Describes the trail `arn`, asking in the ARN's region (shadow trails included, as the AWS CLI does).
    /// - Throws: `TrailLookupError.notFound` when no such trail exists; `AWSRequestError` when the call fails.
    public func describe(_ arn: TrailARN) throws -> TrailDescription {
        let body = Array(try JSONEncoder().encode(DescribeTrailsRequest(trailNameList: [arn.text], includeShadowTrails: true)))
        let response = try CloudTrailAPI(http: http, region: arn.region).call("DescribeTrails", body: body)
        return try TrailDescription.parse(describeTrailsResponse: response, arn: arn)
    }
}

/// The body of a DescribeTrails call.
private struct DescribeTrailsRequest: Encodable {
    var trailNameList: [String]
    var includeShadowTrails: Bool
}
