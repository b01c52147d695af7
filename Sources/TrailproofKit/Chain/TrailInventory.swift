/// The trail objects found in a store's listing, grouped for the chain walk.
public struct TrailInventory: Sendable {
    /// Digest keys per chain, oldest first (end time, then key).
    public var digestsByChain: [ChainID: [DigestKeyName]] = [:]
    /// Log file keys per bucket location, oldest first.
    public var logFilesByLocation: [TrailLocation: [LogFileKeyName]] = [:]
    /// Every key in the listing.
    public var allKeys: Set<String> = []
    /// Number of keys that are not trail objects (ignored).
    public var otherObjects = 0

    /// Classifies every key of a listing.
    public init(keys: [String]) {
        for key in keys {
            allKeys.insert(key)
            switch TrailObjectKey(key) {
            case .digest(let name): digestsByChain[name.chain, default: []].append(name)
            case .logFile(let name): logFilesByLocation[name.location, default: []].append(name)
            case nil where key.hasSuffix(".metadata.json") || ArchiveManifest.isArchiveFile(key): continue
            case nil: otherObjects += 1
            }
        }
        for (chain, names) in digestsByChain {
            digestsByChain[chain] = names.sorted { ($0.endTime, $0.key) < ($1.endTime, $1.key) }
        }
        for (location, names) in logFilesByLocation {
            logFilesByLocation[location] = names.sorted { ($0.deliveryMinute, $0.key) < ($1.deliveryMinute, $1.key) }
        }
    }

    /// Number of digest keys in all chains.
    public var digestCount: Int { digestsByChain.values.reduce(0) { $0 + $1.count } }

    /// The newest digest of `chain` whose name's end time is before `time`.
    func newestDigest(of chain: ChainID, before time: UTCTime) -> DigestKeyName? {
        digestsByChain[chain]?.last { $0.endTime < time }
    }
}
