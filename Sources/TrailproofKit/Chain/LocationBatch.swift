/// Bucket locations verified together: consecutive in sorted order, so that what a run reports
/// comes out batch after batch in the order of a single pass. Each location is listed on its own
/// (its `CloudTrail/REGION/` and `CloudTrail-Digest/REGION/` folders) when its batch's turn comes.
struct LocationBatch: Equatable {
    /// The locations, sorted.
    var locations: [TrailLocation]
    /// For a location larger than a batch (alone in its batch): its log files' date folders
    /// (`YYYY/MM/DD`), in consecutive groups of about a batch's worth. Its digests are verified
    /// whole; its log files are listed, hashed and accounted for one group at a time.
    var logDaySlices: [[String]]?

    /// Cuts sorted `locations` into batches of at most `objectLimit` trail objects (digests and
    /// log files, as the survey counted them); a location larger than that is a batch of its
    /// own, its log files cut by date folder (`logFilesByDay`) when they span more than one.
    static func plan(_ locations: [TrailLocation], counts: [TrailLocation: ListingSurvey.Counts],
                     logFilesByDay: [TrailLocation: [String: Int]] = [:], objectLimit: Int) -> [LocationBatch] {
        var batches: [LocationBatch] = []
        var current: [TrailLocation] = []
        var objects = 0
        for location in locations.sorted() {
            let size = counts[location].map { $0.logFiles + $0.digests } ?? 0
            if !current.isEmpty && objects + size > objectLimit {
                batches.append(LocationBatch(locations: current))
                current = []
                objects = 0
            }
            if size > objectLimit, let days = logFilesByDay[location], days.count > 1 {
                batches.append(LocationBatch(locations: [location], logDaySlices: slices(of: days, limit: objectLimit)))
                continue
            }
            current.append(location)
            objects += size
        }
        if !current.isEmpty { batches.append(LocationBatch(locations: current)) }
        return batches
    }

    /// Consecutive date folders, grouped up to `limit` log files (a larger day is a group of its own).
    static func slices(of days: [String: Int], limit: Int) -> [[String]] {
        var slices: [[String]] = []
        var current: [String] = []
        var count = 0
        for day in days.keys.sorted() {
            let size = days[day] ?? 0
            if !current.isEmpty && count + size > limit {
                slices.append(current)
                current = []
                count = 0
            }
            current.append(day)
            count += size
        }
        if !current.isEmpty { slices.append(current) }
        return slices
    }

    /// The log file folder (`…/CloudTrail/REGION/`) of `location`.
    static func logFolder(of location: TrailLocation) -> String {
        location.accountFolder + "CloudTrail/" + location.region + "/"
    }

    /// The folders that hold `location`'s trail objects.
    static func folders(of location: TrailLocation) -> [String] {
        ["CloudTrail/", "CloudTrail-Digest/"].map { location.accountFolder + $0 + location.region + "/" }
    }

    /// Every key in this batch's folders, once (a key prefix can put one location's folders
    /// inside another's).
    /// For a cut location, its digest folder only (see `listLogFiles(in:days:)`).
    func listKeys(in store: ObjectStore) throws -> [String] {
        var keys: [String] = []
        for location in locations {
            for folder in Self.folders(of: location) where logDaySlices == nil || folder != Self.logFolder(of: location) {
                keys += try store.listKeys(under: folder)
            }
        }
        guard locations.count > 1 else { return keys }
        var seen: Set<String> = []
        seen.reserveCapacity(keys.count)
        return keys.filter { seen.insert($0).inserted }
    }

    /// The keys in `days` (date folders) of the log file folder of this batch's location.
    func listLogFiles(in store: ObjectStore, days: [String]) throws -> [String] {
        guard let location = locations.first else { return [] }
        var keys: [String] = []
        for day in days { keys += try store.listKeys(under: Self.logFolder(of: location) + day + "/") }
        return keys
    }
}
