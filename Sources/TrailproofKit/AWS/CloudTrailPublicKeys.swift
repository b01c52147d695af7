import Foundation
import TrailproofNative

/// CloudTrail's ListPublicKeys (JSON 1.1 protocol), in one region, following NextToken.
public struct CloudTrailPublicKeys: Sendable {
    /// The HTTP client.
    public let http: AWSHTTPClient

    /// Creates a caller.
    public init(http: AWSHTTPClient) { self.http = http }

    /// Most ListPublicKeys pages read in one call (a region has a handful of keys a year).
    public static let maximumPages = 1000

    /// The raw `PublicKeyList` entries (JSON objects) whose validity overlaps [start, end] in `region`.
    public func listEntries(region: String, start: UTCTime, end: UTCTime) throws -> [[String: Any]] {
        let api = CloudTrailAPI(http: http, region: region)
        var entries: [[String: Any]] = []
        var token: String?
        var pages = 0
        repeat {
            var body: [String: Any] = ["StartTime": start.secondsSinceEpoch, "EndTime": end.secondsSinceEpoch]
            if let token { body["NextToken"] = token }
            let object = "ListPublicKeys in \(region)"
            let response = try api.call("ListPublicKeys", body: Array(try JSONSerialization.data(withJSONObject: body)))
            guard let json = try? JSONSerialization.jsonObject(with: Data(response)) as? [String: Any] else {
                throw AWSRequestError(object: object, status: 200, code: nil, message: "response is not JSON", attempts: 1)
            }
            entries += (json["PublicKeyList"] as? [[String: Any]]) ?? []
            let next = json["NextToken"] as? String
            pages += 1
            // A service that never stops paging (or repeats itself) ends the run, not the machine.
            if let next, next == token || pages >= CloudTrailPublicKeys.maximumPages {
                throw AWSRequestError(object: object, status: 200, code: nil,
                                      message: "ListPublicKeys kept paging (\(pages) pages, NextToken repeated or never ending)", attempts: 1)
            }
            token = next
        } while token != nil
        return entries
    }

    /// The keys of `region` for [start, end], as a file in the shape `aws cloudtrail list-public-keys` prints.
    public func listPublicKeysJSON(region: String, start: UTCTime, end: UTCTime) throws -> [UInt8] {
        let entries = try listEntries(region: region, start: start, end: end)
        return Array(try JSONSerialization.data(withJSONObject: ["PublicKeyList": entries], options: [.prettyPrinted, .sortedKeys]))
    }
}
