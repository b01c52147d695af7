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
        var windows = Windows(options: options)
        windows.add(keys)
        return windows.spans
    }

    /// The regions and spans to ask for, from `store`'s listing read a page at a time (never held whole).
    public static func windows(for store: ObjectStore, options: VerificationOptions) throws -> [String: TimeSpan] {
        var windows = Windows(options: options)
        try store.forEachListingPage { windows.add($0) }
        return windows.spans
    }

    /// The span of the digests in scope per region, padded.
    private struct Windows {
        let options: VerificationOptions
        var spans: [String: TimeSpan] = [:]

        mutating func add(_ keys: [String]) {
            for key in keys {
                guard case .digest(let name)? = TrailObjectKey(key), options.trailSelection.map({ $0.includes(name.chain) }) ?? true,
                      options.includesDigest(endingAt: name.endTime) else { continue }
                // A digest ending at `endTime` started about an hour earlier.
                let span = TimeSpan(start: name.endTime.adding(seconds: -3600 - padding), end: name.endTime.adding(seconds: padding))
                let region = name.chain.location.region
                spans[region] = spans[region].map { TimeSpan(start: min($0.start, span.start), end: max($0.end, span.end)) } ?? span
            }
        }
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
