/// The part of a bucket one trail owns: its chains, and the locations its log files go to.
/// A run given a selection verifies only that, and ignores other trails' objects.
public struct TrailSelection: Sendable {
    /// The trail.
    public var trail: TrailDescription
    /// The accounts to verify: for an organization trail, chosen member accounts (empty: all of
    /// them); for another trail, empty means the ARN's account.
    public var accounts: Set<String>

    /// Selects `trail`, limited to `accounts` when it is an organization trail and they are given.
    public init(trail: TrailDescription, accounts: Set<String> = []) {
        self.trail = trail
        self.accounts = accounts
    }

    /// True when objects at `location` can belong to the trail: its prefix, its account (or the
    /// chosen member accounts of an organization), its regions.
    public func includes(_ location: TrailLocation) -> Bool {
        guard location.keyPrefix.sameBytes(as: trail.keyPrefix) else { return false }
        if trail.isOrganizationTrail {
            guard accounts.isEmpty || accounts.contains(location.accountID) else { return false }
        } else {
            // A trail of one account writes under its own account (or the one --account-id names).
            guard location.organizationID == nil,
                  accounts.isEmpty ? location.accountID == trail.arn.accountID : accounts.contains(location.accountID) else { return false }
        }
        return trail.isMultiRegion || location.region == trail.homeRegion
    }

    /// True when `chain` is one of the trail's chains.
    public func includes(_ chain: ChainID) -> Bool {
        includes(chain.location) && chain.trailName.sameBytes(as: trail.name) && chain.homeRegion.sameBytes(as: trail.homeRegion)
    }
}
