/// A CloudTrail trail ARN: `arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME`.
public struct TrailARN: Sendable, Equatable, CustomStringConvertible {
    /// The ARN as given.
    public let text: String
    /// The region the trail was created in (its home region): DescribeTrails is called there.
    public let region: String
    /// The account that owns the trail (the management account of an organization trail).
    public let accountID: String
    /// The trail's name.
    public let name: String

    /// Parses `text`, or nil when it is not a trail ARN.
    public init?(_ text: String) {
        let parts = TrailObjectKey.split(text, on: UInt8(ascii: ":"))
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "cloudtrail",
              TrailObjectKey.isRegion(parts[3]), TrailObjectKey.isAccountID(parts[4]),
              parts[5].hasPrefix("trail/") else { return nil }
        let name = String(parts[5].dropFirst("trail/".count))
        guard TrailObjectKey.isTrailName(name) else { return nil }
        self.text = text
        region = parts[3]
        accountID = parts[4]
        self.name = name
    }

    public var description: String { text }
}
