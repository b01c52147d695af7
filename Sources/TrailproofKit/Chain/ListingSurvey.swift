/// A run's one pass over a store's listing, streamed page by page: which bucket locations hold
/// trail objects (and how many), the newest time an object's name gives, and every finding and
/// count about the keys that are not trail objects. No trail object's key is kept in memory:
/// they go to a `ListingSpill` on disk, from which each batch reads its locations' keys (when
/// no temporary file can be made, each location is listed again, on its own, when its turn
/// comes; see `LocationBatch`).
struct ListingSurvey {
    /// What one location holds.
    struct Counts: Equatable {
        var logFiles = 0
        var digests = 0
    }

    /// Trail objects per location (of the selected trail, with a selection). A location holding
    /// only a signature sidecar is here too, so that the sidecar is looked at.
    private(set) var countsByLocation: [TrailLocation: Counts] = [:]
    /// The keys that are not trail objects: unexpected ones (findings), ignored ones (counted),
    /// and objects of other trails. Its trail object lists stay empty.
    private(set) var others = TrailInventory()
    /// The newest time a digest's or log file's name gives; the epoch when there is none.
    private(set) var newestObjectTime = UTCTime(secondsSinceEpoch: 0)
    /// Keys listed.
    private(set) var keyCount = 0
    /// Log files per date folder (`YYYY/MM/DD`) of each location: where a large location is cut.
    private(set) var logFilesByDay: [TrailLocation: [String: Int]] = [:]
    /// Per region, the span of its digests in scope, padded by `PublicKeyFetch.padding` on both
    /// sides: what ListPublicKeys is asked for when no key file is given.
    private(set) var keyWindows: [String: TimeSpan] = [:]
    /// Which digests count for `keyWindows`.
    private var scope = RunScope()
    /// The trail objects' keys, on disk; nil when no temporary file could be made or written
    /// (the batches then list their folders again).
    private(set) var spill: ListingSpill?
    private var spillWriter: ListingSpill.Writer?

    /// Lists `store` once, a page at a time; each page's keys are parsed while the next one is
    /// listed. `scope` says which digests' regions and times need public keys.
    /// The trail objects' keys are kept on disk for the batches, in the file `spillingTo` opens
    /// (by default an unnamed temporary file; nil keeps none).
    init(store: ObjectStore, selection: TrailSelection?, scope: RunScope = RunScope(),
         spillingTo openSpill: (() throws -> ListingSpill.Writer)? = { try ListingSpill.Writer() }) throws {
        var survey = ListingSurvey()
        survey.scope = scope
        survey.spillWriter = try? openSpill?()
        // Pages are parsed, and their spill records encoded, on other threads while the next
        // ones are listed: two at a time, so that neither the listing nor the parsing waits
        // for the other; each is taken in, in order, once two more are on their way.
        var parsing: [Prefetch<ParsedPage>] = []
        defer {
            for page in parsing { _ = try? page.value() }
            survey.spillWriter?.discard()
        }
        let spills = survey.spillWriter != nil
        var spare: [UInt8] = []
        func takeOldest() throws {
            let parsed = try parsing.removeFirst().value()
            survey.add(parsed, selection: selection)
            spare = parsed.spill?.bytes ?? []  // its storage, for a page to come
        }
        try store.forEachListingPage { page in
            if parsing.count == Self.pagesInFlight { try takeOldest() }
            parsing.append(Prefetch { [spare] in ParsedPage(page, selection: selection, spills: spills, reusing: spare) })
            spare = []
        }
        while !parsing.isEmpty { try takeOldest() }
        survey.flushRun()
        survey.spill = survey.finishSpill()
        survey.others.unexpected.sort { $0.key.bytesPrecede($1.key) }
        self = survey
    }

    /// Pages of the listing being parsed at once (`init`).
    static let pagesInFlight = 2

    /// A listed key, classified, with the date folder of a log file.
    private struct ParsedKey: Sendable {
        let key: String
        let kind: TrailInventory.KeyKind
        let dateFolder: String
        /// The digest a sidecar's key names.
        let sidecarDigest: DigestKeyName?

        /// Parses `key`; `spill` files it when a batch will read it.
        init(_ key: String, selection: TrailSelection?, spill: inout ListingSpill.Block?) {
            self.key = key
            let name = TrailObjectKey(key)
            kind = TrailInventory.kind(of: key, name: name, selection: selection)
            sidecarDigest = if case .sidecar = kind { TrailInventory.sidecarDigest(key) } else { nil }
            switch (kind, name) {
            case (.logFile(let name), _):
                dateFolder = ListingSurvey.dateFolder(of: key)
                spill?.add(key, at: .init(location: name.location, logFileDay: dateFolder), minute: name.deliveryMinute)
            case (.digest(let name), _), (.otherTrail, .digest(let name)?):
                dateFolder = ""
                spill?.add(key, at: .init(location: name.chain.location, logFileDay: nil), minute: nil)
            case (.sidecar, _):
                dateFolder = ""
                if let digest = sidecarDigest { spill?.add(key, at: .init(location: digest.chain.location, logFileDay: nil), minute: nil) }
            default:
                dateFolder = ""
            }
        }
    }

    /// A page of the listing parsed, and its keys that batches read encoded for the spill.
    private struct ParsedPage: Sendable {
        /// The keys, in order, in arrays of at most `chunkLength`.
        let chunks: [[ParsedKey]]
        let spill: ListingSpill.Block?

        /// Keys parsed per array: a parsed key is a few hundred bytes, and an array of a whole
        /// page (thousands) would be a mapping of its own each time (`Allocator.mapAllocations`),
        /// its pages faulted in and zeroed afresh for every page of the listing.
        static let chunkLength = max(1, (96 << 10) / MemoryLayout<ParsedKey>.stride)

        init(_ page: [String], selection: TrailSelection?, spills: Bool, reusing storage: [UInt8]) {
            var spill: ListingSpill.Block? = spills ? ListingSpill.Block(reusing: storage) : nil
            chunks = stride(from: 0, to: page.count, by: Self.chunkLength).map { start in
                page[start..<min(page.count, start + Self.chunkLength)].map { ParsedKey($0, selection: selection, spill: &spill) }
            }
            self.spill = spill
        }
    }

    /// Log files counted for one location and date folder since the last flush: keys come in
    /// runs of one folder, so most are counted without a dictionary lookup.
    private var folderRun: (location: TrailLocation, dateFolder: String, logFiles: Int)?

    private mutating func flushRun() {
        guard let run = folderRun else { return }
        countsByLocation[run.location, default: Counts()].logFiles += run.logFiles
        logFilesByDay[run.location, default: [:]][run.dateFolder, default: 0] += run.logFiles
        folderRun = nil
    }

    private init() {}

    /// Every location, sorted.
    var locations: [TrailLocation] { countsByLocation.keys.sorted() }

    /// Digests of the selected trail in the listing.
    var digestCount: Int { countsByLocation.values.reduce(0) { $0 + $1.digests } }

    /// Log files of the selected trail in the listing.
    var logFileCount: Int { countsByLocation.values.reduce(0) { $0 + $1.logFiles } }

    /// The `YYYY/MM/DD` folder of a trail object's key (the parser has checked that it is one).
    static func dateFolder(of key: String) -> String {
        // Over the key's bytes, held together first (as `TrailObjectKey` parses them; a native
        // string already is).
        var key = key
        key.makeContiguousUTF8()
        return key.utf8.withContiguousStorageIfAvailable { bytes in
            var slashes = 0
            var end = bytes.count
            var index = bytes.count
            while index > 0 {
                index -= 1
                guard bytes[index] == UInt8(ascii: "/") else { continue }
                slashes += 1
                if slashes == 1 { end = index }
                if slashes == 4 { return String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self) }
            }
            return ""
        } ?? ""
    }

    /// Widens its region's key window to a digest ending at `name.endTime` (it started about an
    /// hour earlier; a window ending just after a key rotation would otherwise miss the new key).
    private mutating func noteKeyWindow(of name: DigestKeyName) {
        let padding = PublicKeyFetch.padding
        let span = TimeSpan(start: name.endTime.adding(seconds: -3600 - padding), end: name.endTime.adding(seconds: padding))
        let region = name.chain.location.region
        keyWindows[region] = keyWindows[region].map { TimeSpan(start: min($0.start, span.start), end: max($0.end, span.end)) } ?? span
    }

    /// Files a page's keys in the spill; a spill the disk refuses (full, failing) is let go of whole.
    private mutating func spill(_ block: ListingSpill.Block) {
        do {
            try spillWriter?.append(block)
        } catch {
            spillWriter?.discard()
            spillWriter = nil
        }
    }

    /// The spill written, or nil when there is none or the disk refused its last bytes.
    private mutating func finishSpill() -> ListingSpill? {
        defer { spillWriter = nil }
        do {
            return try spillWriter?.finish()
        } catch {
            spillWriter?.discard()
            return nil
        }
    }

    private mutating func add(_ page: ParsedPage, selection: TrailSelection?) {
        if let block = page.spill, spillWriter != nil { spill(block) }
        for chunk in page.chunks { add(chunk, selection: selection) }
    }

    private mutating func add(_ page: [ParsedKey], selection: TrailSelection?) {
        keyCount += page.count
        for parsed in page {
            let key = parsed.key
            switch parsed.kind {
            case .otherTrail:
                others.otherTrailObjects += 1
            case .digest(let name):
                countsByLocation[name.chain.location, default: Counts()].digests += 1
                newestObjectTime = max(newestObjectTime, name.endTime)
                if scope.includesDigest(endingAt: name.endTime) { noteKeyWindow(of: name) }
            case .logFile(let name):
                newestObjectTime = max(newestObjectTime, name.deliveryMinute)
                if let run = folderRun, run.location == name.location, run.dateFolder.sameBytes(as: parsed.dateFolder) {
                    folderRun?.logFiles += 1
                } else {
                    flushRun()
                    folderRun = (name.location, parsed.dateFolder, 1)
                }
            case .sidecar:
                // Whether its digest is here is settled when its location is listed; one of
                // another trail is ignored, one that names no digest is an object like any other.
                guard let digest = parsed.sidecarDigest else { others.classifyOther(key, selection: selection); continue }
                flushRun()
                if selection.map({ $0.includes(digest.chain) }) ?? true, countsByLocation[digest.chain.location] == nil {
                    countsByLocation[digest.chain.location] = Counts()
                }
            case .archiveFile:
                continue
            case .other:
                others.classifyOther(key, selection: selection)
            }
        }
    }
}
