/// Fetches the public keys a run needs from CloudTrail's ListPublicKeys: for each region that
/// has chains, over the span of its digests in scope padded by 2 h on both sides (a window that
/// ends just after a rotation would otherwise miss the new key). The spans come from the run's
/// one listing (`ListingSurvey.keyWindows`).
public struct PublicKeyFetch: Sendable {
    /// The ListPublicKeys caller.
    public let api: CloudTrailPublicKeys
    /// Padding on both sides of each region's span.
    public static let padding: Int64 = 2 * 3600

    /// Creates a fetcher.
    public init(api: CloudTrailPublicKeys) { self.api = api }

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
