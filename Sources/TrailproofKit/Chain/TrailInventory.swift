/// The trail objects found in a store's listing, grouped for the chain walk.
public struct TrailInventory: Sendable {
    /// Digest keys per chain, oldest first (end time, then key).
    public var digestsByChain: [ChainID: [DigestKeyName]] = [:]
    /// Log file keys per bucket location, oldest first.
    public var logFilesByLocation: [TrailLocation: [LogFileKeyName]] = [:]
    /// The key of every digest in the listing (of any trail).
    public var digestKeys: Set<ObjectKey> = []
    /// Keys inside a CloudTrail/ or CloudTrail-Digest/ folder that are not named as CloudTrail
    /// names its objects, with why: CloudTrail writes nothing else there, so each is a finding.
    public var unexpected: [(key: String, reason: String)] = []
    /// Signature sidecars (`<digest key>.metadata.json`) whose digest is not in the listing, with why.
    public var orphanSidecars: [(key: String, reason: String, location: TrailLocation)] = []
    /// Counts of ignored objects (other services, other files) by folder.
    public var ignoredByFolder: [ObjectKey: Int] = [:]
    /// Number of keys that are not trail objects and not in a trail folder (ignored).
    public var otherObjects = 0
    /// Number of trail objects of other trails than the selected one (ignored).
    public var otherTrailObjects = 0
    /// The newest object time of the whole listing, when this is a part of it.
    var listingNewestTime: UTCTime?
    /// The locations this part of a listing was made of; nil for a whole listing.
    private var partLocations: Set<TrailLocation>?

    /// Most folders named one by one in `ignoredByFolder`; the rest are counted together.
    static let ignoredFolderLimit = 100
    static let otherFolders = ObjectKey("(other folders)")

    /// An empty inventory.
    init() {}

    /// Classifies every key of a listing; with a `selection`, only that trail's objects count.
    public init(keys: [String], selection: TrailSelection? = nil) {
        var sidecars: [String] = []
        // Names are parsed on every core (in slices, in order); classified here, in listing order.
        let slice = max(1, (keys.count + 7) / 8)
        // The slices are read as they are (not joined into one array), and each location's list
        // is made at its size: a cut location's group lists thousands of log files, and growing
        // or copying arrays that size costs fresh pages each time.
        let parts = (try? parallelMap(count: (keys.count + slice - 1) / slice, workers: VerificationOptions.defaultWorkers, makeState: { () }) { _, part in
            keys[(part * slice)..<min(keys.count, (part + 1) * slice)].map(TrailObjectKey.init)
        }) ?? [keys.map(TrailObjectKey.init)]
        let logFileCounts = Self.logFileCounts(parts)
        var keyIndex = keys.startIndex
        for part in parts {
            for name in part {
                let key = keys[keyIndex]
                keyIndex += 1
                if case .digest = name { digestKeys.insert(ObjectKey(key)) }
                switch Self.kind(of: key, name: name, selection: selection) {
                case .otherTrail: otherTrailObjects += 1
                case .digest(let name): digestsByChain[name.chain, default: []].append(name)
                case .logFile(let name):
                    if logFilesByLocation[name.location] == nil {
                        var list: [LogFileKeyName] = []
                        list.reserveCapacity(logFileCounts[name.location] ?? 1)
                        logFilesByLocation[name.location] = list
                    }
                    logFilesByLocation[name.location]!.append(name)
                case .sidecar: sidecars.append(key)
                case .archiveFile: continue
                case .other: classifyOther(key, selection: selection)
                }
            }
        }
        for sidecar in sidecars {
            guard let digest = Self.sidecarDigest(sidecar) else { classifyOther(sidecar, selection: selection); continue }
            if !digestKeys.contains(ObjectKey(digest.key)) {
                orphanSidecars.append((sidecar, "a saved signature for a digest that is not here", digest.chain.location))
            }
        }
        unexpected.sort { $0.key.bytesPrecede($1.key) }
        orphanSidecars.sort { $0.key.bytesPrecede($1.key) }
        for (chain, names) in digestsByChain {
            digestsByChain[chain] = names.sorted { $0.endTime != $1.endTime ? $0.endTime < $1.endTime : $0.key.bytesPrecede($1.key) }
        }
        for (location, names) in logFilesByLocation { logFilesByLocation[location] = Self.oldestFirst(names) }
    }

    /// The log files of one `location`, named already (as the survey parsed them: see
    /// `ListingSpill`), nothing else.
    init(logFiles names: [LogFileKeyName], of location: TrailLocation) {
        logFilesByLocation = [location: Self.oldestFirst(names)]
    }

    /// A location's log files in the order they are verified: by delivery minute, then key bytes.
    static func oldestFirst(_ lhs: LogFileKeyName, _ rhs: LogFileKeyName) -> Bool {
        lhs.deliveryMinute != rhs.deliveryMinute ? lhs.deliveryMinute < rhs.deliveryMinute : lhs.key.bytesPrecede(rhs.key)
    }

    /// `names` oldest first (`oldestFirst`: two names it does not order are the same bytes, so
    /// the same name). A listing in key order (S3's) has them so already: their names differ
    /// first at the minute. A directory lists its entries in no order: their positions are
    /// sorted, then each name is moved once (a name holds several strings, and sorting the
    /// names themselves moved each many times: a sixth of a busy location's run).
    static func oldestFirst(_ names: [LogFileKeyName]) -> [LogFileKeyName] {
        guard !names.isInOrder(by: oldestFirst) else { return names }
        return names.indices.sorted { oldestFirst(names[$0], names[$1]) }.map { names[$0] }
    }

    /// How many log file names each location has in `parts` (of any trail: an upper bound on
    /// what a selection keeps). A listing holds a location's keys together, so the location is
    /// looked up once per run of them, not once per key.
    private static func logFileCounts(_ parts: [[TrailObjectKey?]]) -> [TrailLocation: Int] {
        var counts: [TrailLocation: Int] = [:]
        var run: (location: TrailLocation, count: Int)?
        for part in parts {
            for case .logFile(let name)? in part {
                if let current = run, current.location == name.location {
                    run?.count += 1
                    continue
                }
                if let run { counts[run.location, default: 0] += run.count }
                run = (name.location, 1)
            }
        }
        if let run { counts[run.location, default: 0] += run.count }
        return counts
    }


    /// What a listed key is to a run, by the same rules wherever a listing is read.
    enum KeyKind: Sendable {
        /// A digest or log file of the selected trail (or of any, without a selection).
        case digest(DigestKeyName), logFile(LogFileKeyName)
        /// A digest or log file of another trail than the selected one.
        case otherTrail
        /// `<key>.metadata.json` (whether it names a digest is for the caller to settle).
        case sidecar
        /// The archive's own manifest or key file.
        case archiveFile
        /// Anything else: counted, or a finding inside a trail folder (`classifyOther`).
        case other
    }

    /// Classifies `key`, whose parsed name is `name`.
    static func kind(of key: String, name: TrailObjectKey?, selection: TrailSelection?) -> KeyKind {
        switch name {
        case .digest(let name): return selection.map { $0.includes(name.chain) } ?? true ? .digest(name) : .otherTrail
        case .logFile(let name): return selection.map { $0.includes(name.location) } ?? true ? .logFile(name) : .otherTrail
        case nil where key.hasByteSuffix(SavedSignature.sidecarSuffix): return .sidecar
        case nil where ArchiveManifest.isArchiveFile(key): return .archiveFile
        case nil: return .other
        }
    }

    /// The digest a signature sidecar's key names, when it names one.
    static func sidecarDigest(_ key: String) -> DigestKeyName? {
        guard key.hasByteSuffix(SavedSignature.sidecarSuffix),
              case .digest(let name)? = TrailObjectKey(String(decoding: key.utf8.dropLast(SavedSignature.sidecarSuffix.utf8.count), as: UTF8.self))
        else { return nil }
        return name
    }

    /// Counts or records a key that is neither a digest, a log file nor a sidecar.
    mutating func classifyOther(_ key: String, selection: TrailSelection?) {
        if key.utf8.contains(0) {
            // Only a name that is not UTF-8 (or holds NUL) carries one: no S3 object is named so.
            unexpected.append((key, TrailInventory.notUTF8Reason))
            return
        }
        if let reason = TrailInventory.trailFolderReason(key) {
            guard key.hasBytePrefix(TrailInventory.selectedFolder(selection)) else { otherTrailObjects += 1; return }
            unexpected.append((key, reason))
            return
        }
        otherObjects += 1
        var folder = ObjectKey(TrailInventory.folder(of: key))
        if ignoredByFolder[folder] == nil && ignoredByFolder.count >= TrailInventory.ignoredFolderLimit {
            folder = TrailInventory.otherFolders
        }
        ignoredByFolder[folder, default: 0] += 1
    }

    /// Why a key that is not UTF-8 (or holds NUL) is unexpected wherever it is.
    static let notUTF8Reason = "its name is not UTF-8 (each byte that is not is shown as NUL x HEX) or holds NUL: no S3 object has such a name, so CloudTrail never wrote it"

    /// Where the selected trail's objects lie (`AWSLogs/` under its key prefix); every key
    /// matches without a selection.
    static func selectedFolder(_ selection: TrailSelection?) -> String {
        selection.map { $0.trail.keyPrefix.isEmpty ? "AWSLogs/" : $0.trail.keyPrefix + "/AWSLogs/" } ?? ""
    }

    /// Why `key`, which is not a trail object, sits where only CloudTrail writes: nil when it is
    /// not inside a `CloudTrail/` or `CloudTrail-Digest/` folder (any case) below `AWSLogs/`.
    static func trailFolderReason(_ key: String) -> String? {
        let parts = TrailObjectKey.split(key, on: UInt8(ascii: "/"))
        guard let logs = parts.firstIndex(where: { $0.sameBytes(as: "AWSLogs") }) else { return nil }
        for part in parts[(logs + 1)..<max(logs + 1, parts.count - 1)] {
            let lower = part.lowercased()
            guard lower.sameBytes(as: "cloudtrail") || lower.sameBytes(as: "cloudtrail-digest") else { continue }
            if !part.sameBytes(as: "CloudTrail") && !part.sameBytes(as: "CloudTrail-Digest") { return "in a folder named \(part), a case CloudTrail never writes" }
            if parts.contains(where: { $0.isEmpty || $0.sameBytes(as: ".") || $0.sameBytes(as: "..") }) {
                return "its key has an empty, . or .. component (a leading, doubled or trailing slash, or ./), which CloudTrail never writes"
            }
            return "CloudTrail writes nothing but its digest and log files into \(part)/, and this is not named as either"
        }
        return nil
    }

    /// The folder an ignored object is counted under: up to the service folder below the account
    /// (`AWSLogs/111122223333/Config/`), else the first folder.
    static func folder(of key: String) -> String {
        let parts = TrailObjectKey.split(key, on: UInt8(ascii: "/"))
        if let logs = parts.firstIndex(where: { $0.sameBytes(as: "AWSLogs") }) {
            var end = logs + 1
            if end < parts.count - 1, TrailObjectKey.isOrganizationID(parts[end].utf8) { end += 1 }
            end = min(end + 2, parts.count - 1)
            return parts[0..<end].joined(separator: "/") + "/"
        }
        return parts.count > 1 ? parts[0] + "/" : "(top level)"
    }

    /// Every location holding a digest or a log file.
    public var locations: [TrailLocation] {
        Array(Set(digestsByChain.keys.map(\.location)).union(logFilesByLocation.keys)).sorted()
    }

    /// The part of this inventory one shard verifies: the chains and log files of `owned`
    /// locations; objects outside any location only when `keepsOthers`. Facts about the whole
    /// listing (the newest object, every key) are kept as they are.
    func restricted(to owned: Set<TrailLocation>, keepsOthers: Bool) -> TrailInventory {
        var part = self
        part.listingNewestTime = newestObjectTime
        part.partLocations = owned
        part.digestsByChain = digestsByChain.filter { owned.contains($0.key.location) }
        part.logFilesByLocation = logFilesByLocation.filter { owned.contains($0.key) }
        part.orphanSidecars = orphanSidecars.filter { owned.contains($0.location) }
        if !keepsOthers {
            part.unexpected = []
            part.ignoredByFolder = [:]
            part.otherObjects = 0
            part.otherTrailObjects = 0
        }
        return part
    }

    /// True when this inventory holds what the listing has of `location`.
    func lists(_ location: TrailLocation) -> Bool {
        partLocations?.contains(location) ?? true
    }

    /// Number of digest keys in all chains.
    public var digestCount: Int { digestsByChain.values.reduce(0) { $0 + $1.count } }

    /// The newest time any trail object's name gives (a digest's end, a log file's delivery minute);
    /// the epoch when there is none.
    public var newestObjectTime: UTCTime {
        if let listingNewestTime { return listingNewestTime }
        var time = UTCTime(secondsSinceEpoch: 0)
        for names in digestsByChain.values { if let last = names.last { time = max(time, last.endTime) } }
        for names in logFilesByLocation.values { if let last = names.last { time = max(time, last.deliveryMinute) } }
        return time
    }

    /// Number of log file keys in all locations.
    public var logFileCount: Int { logFilesByLocation.values.reduce(0) { $0 + $1.count } }

    /// The newest digest of `chain` whose name's end time is before `time`.
    func newestDigest(of chain: ChainID, before time: UTCTime) -> DigestKeyName? {
        digestsByChain[chain]?.last { $0.endTime < time }
    }
}
