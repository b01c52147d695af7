/// What CloudTrail's DescribeTrails says about a trail: where it delivers and what it covers.
public struct TrailDescription: Sendable, Equatable {
    /// The trail's ARN.
    public var arn: TrailARN
    /// Its name.
    public var name: String
    /// The bucket it delivers to.
    public var bucket: String
    /// The key prefix before `AWSLogs/` ("" for none).
    public var keyPrefix: String
    /// Its home region.
    public var homeRegion: String
    /// True when it logs every region.
    public var isMultiRegion: Bool
    /// True for an organization trail (objects under `AWSLogs/o-…/ACCOUNT/`).
    public var isOrganizationTrail: Bool

    /// Creates a description.
    public init(arn: TrailARN, name: String, bucket: String, keyPrefix: String, homeRegion: String,
                isMultiRegion: Bool, isOrganizationTrail: Bool) {
        self.arn = arn
        self.name = name
        self.bucket = bucket
        self.keyPrefix = keyPrefix
        self.homeRegion = homeRegion
        self.isMultiRegion = isMultiRegion
        self.isOrganizationTrail = isOrganizationTrail
    }

    /// Reads the trail named by `arn` out of a DescribeTrails response.
    /// - Throws: `TrailLookupError` when the response lists no such trail or lacks its bucket.
    public static func parse(describeTrailsResponse bytes: [UInt8], arn: TrailARN) throws -> TrailDescription {
        let object = "DescribeTrails in \(arn.region)"
        guard let root = (try? StrictJSON.parse(bytes))?.objectValue, let list = root["trailList"]?.arrayValue else {
            throw TrailLookupError.badResponse(object: object, detail: "no trailList array")
        }
        let matches = list.compactMap(\.objectValue).filter {
            ($0["TrailARN"]?.stringValue?.sameBytes(as: arn.text) ?? false)
                || ($0["TrailARN"] == nil && ($0["Name"]?.stringValue?.sameBytes(as: arn.name) ?? false))
        }
        guard let trail = matches.first else { throw TrailLookupError.notFound(arn: arn.text) }
        guard matches.count == 1 else { throw TrailLookupError.badResponse(object: object, detail: "\(matches.count) trails carry that ARN") }
        guard let bucket = trail["S3BucketName"]?.stringValue, !bucket.isEmpty else {
            throw TrailLookupError.badResponse(object: object, detail: "the trail has no S3BucketName")
        }
        var prefix = trail["S3KeyPrefix"]?.stringValue ?? ""
        while prefix.hasByteSuffix("/") { prefix.removeLast() }
        let home = trail["HomeRegion"]?.stringValue ?? arn.region
        guard TrailObjectKey.isRegion(home) else { throw TrailLookupError.badResponse(object: object, detail: "HomeRegion is not a region") }
        func flag(_ name: String) -> Bool { if case .bool(let value)? = trail[ObjectKey(name)] { return value } else { return false } }
        return TrailDescription(
            arn: arn, name: trail["Name"]?.stringValue ?? arn.name, bucket: bucket, keyPrefix: prefix, homeRegion: home,
            isMultiRegion: flag("IsMultiRegionTrail"), isOrganizationTrail: flag("IsOrganizationTrail"))
    }

    /// `s3://bucket/prefix/`, where the trail delivers.
    public var url: String { "s3://\(bucket)/" + (keyPrefix.isEmpty ? "" : keyPrefix + "/") }
}

/// Why a trail could not be looked up (exit status 2).
public enum TrailLookupError: Error, Sendable, CustomStringConvertible {
    /// DescribeTrails knows no trail with that ARN.
    case notFound(arn: String)
    /// The answer cannot be used.
    case badResponse(object: String, detail: String)

    public var description: String {
        switch self {
        case .notFound(let arn):
            return "no trail \(arn): DescribeTrails in its region does not know it (check the ARN, the region in it, and the account's credentials)"
        case .badResponse(let object, let detail): return "\(object): \(detail)"
        }
    }
}
