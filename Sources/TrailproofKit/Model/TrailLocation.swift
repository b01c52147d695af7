/// Where one account's trail objects for one region live in a bucket:
/// `[prefix/]AWSLogs/[o-orgid/]ACCOUNT/{CloudTrail,CloudTrail-Digest}/REGION/`.
public struct TrailLocation: Hashable, Comparable, Sendable, Codable {
    /// Key prefix before `AWSLogs/`, without the trailing slash; empty when there is none.
    public var keyPrefix: String
    /// Organization id (`o-…`) of an organization trail, or nil.
    public var organizationID: String?
    /// The 12-digit account id.
    public var accountID: String
    /// The region the objects were delivered for.
    public var region: String

    /// Creates a location.
    public init(keyPrefix: String, organizationID: String?, accountID: String, region: String) {
        self.keyPrefix = keyPrefix
        self.organizationID = organizationID
        self.accountID = accountID
        self.region = region
    }

    /// The key folder up to and including the account: `[prefix/]AWSLogs/[o-id/]ACCOUNT/`.
    public var accountFolder: String {
        var parts: [String] = []
        if !keyPrefix.isEmpty { parts.append(keyPrefix) }
        parts.append("AWSLogs")
        if let organizationID { parts.append(organizationID) }
        parts.append(accountID)
        return parts.joined(separator: "/") + "/"
    }

    /// `[prefix/]AWSLogs/[o-id/]ACCOUNT/REGION`: names the location in reports.
    public var id: String { accountFolder + region }

    // Equal, hashed and sorted by the bytes of each part: a prefix or organization folder that is
    // a canonically equivalent spelling of another is another location.

    public static func == (lhs: TrailLocation, rhs: TrailLocation) -> Bool {
        lhs.keyPrefix.sameBytes(as: rhs.keyPrefix) && lhs.organizationID.sameBytes(as: rhs.organizationID)
            && lhs.accountID.sameBytes(as: rhs.accountID) && lhs.region.sameBytes(as: rhs.region)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combineBytes(of: keyPrefix)
        hasher.combine(organizationID != nil)
        hasher.combineBytes(of: organizationID ?? "")
        hasher.combineBytes(of: accountID)
        hasher.combineBytes(of: region)
    }

    public static func < (lhs: TrailLocation, rhs: TrailLocation) -> Bool {
        for (left, right) in [(lhs.keyPrefix, rhs.keyPrefix), (lhs.organizationID ?? "", rhs.organizationID ?? ""),
                              (lhs.accountID, rhs.accountID), (lhs.region, rhs.region)] where !left.sameBytes(as: right) {
            return left.bytesPrecede(right)
        }
        return lhs.organizationID == nil && rhs.organizationID != nil
    }
}

/// Identifies one digest chain: a trail's regular or backfill digests for one region.
public struct ChainID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The bucket location of the chain's objects.
    public var location: TrailLocation
    /// The trail's name.
    public var trailName: String
    /// The trail's home region.
    public var homeRegion: String
    /// True for a chain of backfill digests.
    public var isBackfill: Bool

    /// Creates a chain identity.
    public init(location: TrailLocation, trailName: String, homeRegion: String, isBackfill: Bool) {
        self.location = location
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.isBackfill = isBackfill
    }

    /// The trail this chain belongs to, without the regular/backfill distinction.
    public var trail: ChainID { ChainID(location: location, trailName: trailName, homeRegion: homeRegion, isBackfill: false) }

    /// A one-line human description.
    public var description: String {
        var text = "account \(location.accountID) region \(location.region) trail \(trailName) (home \(homeRegion))"
        if let org = location.organizationID { text += " org \(org)" }
        if !location.keyPrefix.isEmpty { text += " prefix \(location.keyPrefix)" }
        if isBackfill { text += " backfill" }
        return text
    }

    public static func == (lhs: ChainID, rhs: ChainID) -> Bool {
        lhs.location == rhs.location && lhs.trailName.sameBytes(as: rhs.trailName)
            && lhs.homeRegion.sameBytes(as: rhs.homeRegion) && lhs.isBackfill == rhs.isBackfill
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        hasher.combineBytes(of: trailName)
        hasher.combineBytes(of: homeRegion)
        hasher.combine(isBackfill)
    }

    public static func < (lhs: ChainID, rhs: ChainID) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        if !lhs.trailName.sameBytes(as: rhs.trailName) { return lhs.trailName.bytesPrecede(rhs.trailName) }
        if !lhs.homeRegion.sameBytes(as: rhs.homeRegion) { return lhs.homeRegion.bytesPrecede(rhs.homeRegion) }
        return !lhs.isBackfill && rhs.isBackfill
    }
}
