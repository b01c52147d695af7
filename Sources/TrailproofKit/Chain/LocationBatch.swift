/// Bucket locations verified together: consecutive in sorted order, so that what a run reports
/// comes out batch after batch in the order of a single pass. Each location is listed on its own
/// (its `CloudTrail/REGION/` and `CloudTrail-Digest/REGION/` folders) when its batch's turn comes.
struct LocationBatch: Equatable {
    /// The locations, sorted.
    var locations: [TrailLocation]

    /// Cuts sorted `locations` into batches of at most `objectLimit` trail objects (digests and
    /// log files, as the survey counted them); a location larger than that is a batch of its own.
    static func plan(_ locations: [TrailLocation], counts: [TrailLocation: ListingSurvey.Counts], objectLimit: Int) -> [LocationBatch] {
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
            current.append(location)
            objects += size
        }
        if !current.isEmpty { batches.append(LocationBatch(locations: current)) }
        return batches
    }

    /// The folders that hold `location`'s trail objects.
    static func folders(of location: TrailLocation) -> [String] {
        ["CloudTrail/", "CloudTrail-Digest/"].map { location.accountFolder + $0 + location.region + "/" }
    }

    /// Every key in this batch's folders, once (a key prefix can put one location's folders
    /// inside another's).
    func listKeys(in store: ObjectStore) throws -> [String] {
        var keys: [String] = []
        for location in locations {
            for folder in Self.folders(of: location) { keys += try store.listKeys(under: folder) }
        }
        guard locations.count > 1 else { return keys }
        var seen: Set<String> = []
        seen.reserveCapacity(keys.count)
        return keys.filter { seen.insert($0).inserted }
    }
}
