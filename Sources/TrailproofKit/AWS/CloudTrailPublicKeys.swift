import FoundationEssentials
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
    public func listEntries(region: String, start: UTCTime, end: UTCTime) throws -> [JSONValue] {
        let api = CloudTrailAPI(http: http, region: region)
        var entries: [JSONValue] = []
        var token: String?
        var pages = 0
        repeat {
            let request = ListPublicKeysRequest(startTime: start.secondsSinceEpoch, endTime: end.secondsSinceEpoch, nextToken: token)
            let object = "ListPublicKeys in \(region)"
            let response = try api.call("ListPublicKeys", body: Array(try JSONEncoder().encode(request)))
            guard let json = (try? StrictJSON.parse(response))?.objectValue else {
                throw AWSRequestError(object: object, status: 200, code: nil, message: "response is not JSON", attempts: 1)
            }
            // As before: a list that is not an array of objects contributes nothing.
            let list = json["PublicKeyList"]?.arrayValue ?? []
            if list.allSatisfy({ $0.objectValue != nil }) { entries += list }
            let next = json["NextToken"]?.stringValue
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
        return try PublicKeyListFile(publicKeyList: entries).encoded()
    }
}

/// The body of a ListPublicKeys call.
private struct ListPublicKeysRequest: Encodable {
    var startTime: Int64
    var endTime: Int64
    var nextToken: String?

    enum CodingKeys: String, CodingKey {
        case startTime = "StartTime", endTime = "EndTime", nextToken = "NextToken"
    }
}
