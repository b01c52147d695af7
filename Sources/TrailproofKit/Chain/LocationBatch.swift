/// Bucket locations verified together: consecutive in sorted order, so that what a run reports
/// comes out batch after batch in the order of a single pass. Each location's keys are read back
/// from the survey's `ListingSpill` when its batch's turn comes (without a spill, its
/// `CloudTrail/REGION/` and `CloudTrail-Digest/REGION/` folders are listed then).
struct LocationBatch: Equatable {
    /// The locations, sorted.
    var locations: [TrailLocation]
    /// For a location larger than a batch (alone in its batch): its log files' date folders
    /// (`YYYY/MM/DD`), in consecutive groups of about a batch's worth. Its digests are verified
    /// whole; its log files are listed, hashed and accounted for one group at a time.
    var logDaySlices: [[String]]?
    /// In a sharded run, the slices this shard verifies (nil: all).
    var ownedSlices: Set<Int>?
    /// In a sharded run, false when another shard reports this location's digests (and chains,
    /// gaps and objects): this one reports only its slices' log files.
    var reportsDigests = true

    /// Cuts sorted `locations` into batches of at most `objectLimit` trail objects (digests and
    /// log files, as the survey counted them); a location larger than that is a batch of its
    /// own, its log files cut into consecutive date folders (`logFilesByDay`) of about as many,
    /// when they span more than one.
    static func plan(_ locations: [TrailLocation], counts: [TrailLocation: ListingSurvey.Counts],
                     logFilesByDay: [TrailLocation: [String: Int]] = [:], objectLimit: Int) -> [LocationBatch] {
        let size = { (location: TrailLocation) in counts[location].map { $0.logFiles + $0.digests } ?? 0 }
        var batches: [LocationBatch] = []
        var run: [TrailLocation] = []
        func closeRun() {
            batches += groups(run, limit: objectLimit, size: size).map { LocationBatch(locations: $0) }
            run = []
        }
        for location in locations.sorted() {
            if size(location) > objectLimit, let days = logFilesByDay[location], days.count > 1 {
                closeRun()
                let slices = groups(days.keys.sorted(), limit: objectLimit) { days[$0] ?? 0 }
                batches.append(LocationBatch(locations: [location], logDaySlices: slices))
            } else {
                run.append(location)
            }
        }
        closeRun()
        return batches
    }

    /// `items` in order, in consecutive groups of at most `limit` (an item larger than that is a
    /// group of its own).
    static func groups<Item>(_ items: [Item], limit: Int, size: (Item) -> Int) -> [[Item]] {
        var groups: [[Item]] = []
        var current: [Item] = []
        var total = 0
        for item in items {
            let itemSize = size(item)
            if !current.isEmpty && total + itemSize > limit {
                groups.append(current)
                current = []
                total = 0
            }
            current.append(item)
            total += itemSize
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// What a sharded run deals out (`Shard`), in order, with its id: each location of an uncut
    /// batch, and each slice of a cut location (`ID#FIRST..LAST` date folders).
    static func shardUnits(of batches: [LocationBatch]) -> [(id: String, batch: Int, location: TrailLocation, slice: Int?)] {
        var units: [(id: String, batch: Int, location: TrailLocation, slice: Int?)] = []
        for (index, batch) in batches.enumerated() {
            if let slices = batch.logDaySlices, let location = batch.locations.first {
                for (slice, days) in slices.enumerated() {
                    units.append(("\(location.id)#\(days.first ?? "")..\(days.last ?? "")", index, location, slice))
                }
            } else {
                units += batch.locations.map { ($0.id, index, $0, nil) }
            }
        }
        return units
    }

    /// The batches a shard verifies, given the units it owns (`shardUnits`): uncut batches less
    /// the locations it does not own; cut locations with only its slices, the digests reported
    /// by the shard that owns the first slice.
    static func owned(_ batches: [LocationBatch], units: Set<ObjectKey>) -> [LocationBatch] {
        var owned: [LocationBatch] = []
        let all = shardUnits(of: batches)
        for (index, batch) in batches.enumerated() {
            let mine = all.filter { $0.batch == index && units.contains(ObjectKey($0.id)) }
            guard !mine.isEmpty else { continue }
            var part = batch
            if batch.logDaySlices != nil {
                part.ownedSlices = Set(mine.compactMap(\.slice))
                part.reportsDigests = part.ownedSlices?.contains(0) ?? true
            } else {
                part.locations = mine.map(\.location)
            }
            owned.append(part)
        }
        return owned
    }

    /// The log file folder (`…/CloudTrail/REGION/`) of `location`.
    static func logFolder(of location: TrailLocation) -> String {
        location.accountFolder + "CloudTrail/" + location.region + "/"
    }

    /// The folders that hold `location`'s trail objects.
    static func folders(of location: TrailLocation) -> [String] {
        ["CloudTrail/", "CloudTrail-Digest/"].map { location.accountFolder + $0 + location.region + "/" }
    }

    /// Every key of this batch's locations, once: from `spill`, else by listing their folders
    /// (a key prefix can put one location's folders inside another's).
    /// For a cut location, its digests and sidecars only (see `listLogFiles(in:days:spill:)`).
    func listKeys(in store: ObjectStore, spill: ListingSpill?) throws -> [String] {
        if let spill {
            return try locations.flatMap { try spill.keys(of: $0, logFileDays: logDaySlices == nil ? nil : []) }
        }
        var keys: [String] = []
        for location in locations {
            for folder in Self.folders(of: location) where logDaySlices == nil || !folder.sameBytes(as: Self.logFolder(of: location)) {
                keys += try store.listKeys(under: folder)
            }
        }
        guard locations.count > 1 else { return keys }
        var seen: Set<ObjectKey> = []
        seen.reserveCapacity(keys.count)
        return keys.filter { seen.insert(ObjectKey($0)).inserted }
    }

    /// The log files in `days` (date folders) of the log file folder of this batch's location:
    /// from `spill` as the survey named them, else listed and classified.
    func listLogFiles(in store: ObjectStore, days: [String], spill: ListingSpill?, selection: TrailSelection?) throws -> TrailInventory {
        guard let location = locations.first else { return TrailInventory() }
        if let spill { return TrailInventory(logFiles: try spill.logFiles(of: location, days: days), of: location) }
        return TrailInventory(keys: try Self.logFiles(of: location, days: days, in: store, spill: nil), selection: selection)
    }

    /// The keys in `days` (date folders) of `location`'s log file folder: from `spill`, else
    /// listed from `store`.
    static func logFiles(of location: TrailLocation, days: [String], in store: ObjectStore, spill: ListingSpill?) throws -> [String] {
        if let spill { return try spill.logFiles(of: location, days: days).map(\.key) }
        var keys: [String] = []
        for day in days { keys += try store.listKeys(under: logFolder(of: location) + day + "/") }
        return keys
    }
}
