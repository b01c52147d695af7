/// Fetches the public keys a run needs from CloudTrail's ListPublicKeys: for each region that
/// has chains, over the span of its digests in scope padded by 2 h on both sides (a window that
/// ends just after a rotation would otherwise miss the new key).
public struct PublicKeyFetch: Sendable {
    /// The ListPublicKeys caller.
    public let api: CloudTrailPublicKeys
    /// Padding on both sides of each region's span.
    public static let padding: Int64 = 2 * 3600

    /// Creates a fetcher.
    public init(api: CloudTrailPublicKeys) { self.api = api }

    /// The regions and spans to ask for, from the digest keys of a listing.
    public static func windows(for keys: [String], options: VerificationOptions) -> [String: TimeSpan] {
        let inventory = TrailInventory(keys: keys, selection: options.trailSelection)
        var windows: [String: TimeSpan] = [:]
        for (chain, names) in inventory.digestsByChain {
            let times = names.map(\.endTime).filter { options.includesDigest(endingAt: $0) }
            guard let first = times.min(), let last = times.max() else { continue }
            // A digest ending at `first` started about an hour earlier.
            let span = TimeSpan(start: first.adding(seconds: -3600 - padding), end: last.adding(seconds: padding))
            if let known = windows[chain.location.region] {
                windows[chain.location.region] = TimeSpan(start: min(known.start, span.start), end: max(known.end, span.end))
            } else {
                windows[chain.location.region] = span
            }
        }
        return windows
    }

    /// Every key of every region in `windows`, in one ring. A region that returns no key leaves
    /// its digests `public-key-not-found`; no key at all is an error (nothing could be checked).
    public func fetch(_ windows: [String: TimeSpan]) throws -> PublicKeyRing {
        var ring = PublicKeyRing()
        var asked: [String] = []
        for region in windows.keys.sorted() {
            guard let span = windows[region] else { continue }
            let json = try api.listPublicKeysJSON(region: region, start: span.start, end: span.end)
            for key in try PublicKeyRing.parseListPublicKeys(json, name: "ListPublicKeys in \(region)") where !ring.add(key) {
                throw KeyFileError(file: "ListPublicKeys in \(region)", reason: .fingerprintCollision(fingerprint: key.fingerprint))
            }
            asked.append("\(region) for \(span.text)")
        }
        guard ring.count > 0 || asked.isEmpty else {
            throw KeyFileError(file: "ListPublicKeys in " + asked.joined(separator: ", "), reason: .emptyPublicKeyList)
        }
        return ring
    }
}
