import TrailproofNative

/// A compact fingerprint of each day folder a state has verified: SHA-256 over the sorted key,
/// size and content tag (ETag, or modification time) of every trail object of that day and
/// location. `--recheck` compares them with the listing and re-verifies only the days that changed,
/// so tampering with the verified past is caught without reading it again; the state grows with
/// days, not with objects.
public enum DayFingerprints {
    /// `location folder|region|YYYY/MM/DD` → fingerprint, for every day each location's state
    /// has verified: the days before its verified head whole, and the head's own day (which
    /// still grows) through the head: the head itself and the log files named up to its end,
    /// which it or an earlier digest lists (a log file is named after its delivery, and a
    /// digest lists those delivered in its hour; one delivered late and listed by the next
    /// changes the day, and costs only a recheck of it).
    /// A location with no head (none of its chains verified yet) is fingerprinted before the
    /// day a run's listing starts at (`RunPlan.listFrom`): no run sees those days but a recheck,
    /// so one planted there (a digest copied into a new prefix) changes a day.
    public static func compute(_ objects: [ListedObject], heads: [ObjectKey: TrailState.Head]) -> [ObjectKey: String] {
        let through = TrailState.verifiedThrough(heads)
        let floor = RunPlan.listFrom(start: nil, heads: heads)
        var lines: [ObjectKey: [String]] = [:]
        for object in objects {
            guard let (location, time) = TrailObjectKey.locationAndTime(ofKey: object.key),
                  isFingerprinted(time, through: through[location], floor: floor) else { continue }
            lines[dayKey(location, time), default: []].append("\(object.key)\t\(object.size.map(String.init) ?? "-")\t\(object.tag ?? "-")")
        }
        var fingerprints: [ObjectKey: String] = [:]
        for (day, entries) in lines {
            fingerprints[day] = (try? MessageDigest.sha256Hex(Array(entries.sorted { $0.bytesPrecede($1) }.joined(separator: "\n").utf8))) ?? ""
        }
        return fingerprints
    }

    /// The objects in `objects` that no run with `heads` lists and no fingerprint holds, with
    /// why each is a finding. They lie in a trail's date folder before the day a run's listing
    /// starts at: a digest or log file of the selected trail named for a time after its
    /// location's head (or, with no head, on or after that day), and what CloudTrail would never
    /// write there (as a run judges it). CloudTrail writes each object in the folder of its own
    /// date: one moved to an earlier folder would otherwise be seen by no run but one without a
    /// state.
    public static func outOfEveryListing(_ objects: [ListedObject], heads: [ObjectKey: TrailState.Head],
                                         selection: TrailSelection?) -> [(key: String, reason: String)] {
        guard let floor = RunPlan.listFrom(start: nil, heads: heads) else { return [] }
        let through = TrailState.verifiedThrough(heads)
        let floorFolder = floor.keyDatePath
        return objects.compactMap { object in
            let key = object.key
            let suffix = SavedSignature.sidecarSuffix
            let bare = key.hasByteSuffix(suffix) ? String(decoding: key.utf8.dropLast(suffix.utf8.count), as: UTF8.self) : key
            let (location, time): (TrailLocation, UTCTime)
            switch TrailInventory.kind(of: bare, name: TrailObjectKey(bare), selection: selection) {
            case .digest(let name): (location, time) = (name.chain.location, name.endTime)
            case .logFile(let name): (location, time) = (name.location, name.deliveryMinute)
            case .otherTrail, .sidecar, .archiveFile: return nil
            case .other:
                // Not a trail object: its folder is taken apart to see whether it is an old date folder.
                guard let slash = key.utf8.lastIndex(of: UInt8(ascii: "/")),
                      DirectoryStore.isDateFolder(String(key[...slash]), before: floorFolder) else { return nil }
                if key.utf8.contains(0) {
                    return (key, "\(TrailInventory.notUTF8Reason); no run with this state lists a date folder before \(floorFolder)")
                }
                guard let reason = TrailInventory.trailFolderReason(key), key.hasBytePrefix(TrailInventory.selectedFolder(selection)) else { return nil }
                return (key, "\(reason); no run with this state lists a date folder before \(floorFolder), and no verified day holds it")
            }
            // A trail object's date folder is the parser's (checked to be one).
            guard ListingSurvey.dateFolder(of: key).bytesPrecede(floorFolder),
                  !isFingerprinted(time, through: through[location], floor: floor) else { return nil }
            return (key, "named for \(time.iso8601) in an earlier date folder: CloudTrail writes each object in the folder of its own date; no run with this state lists a date folder before \(floorFolder), and no verified day holds it")
        }
    }

    /// True when an object dated `time` is in a day's fingerprint: verified through its
    /// location's head (`through`), or, with no head, dated before the listing's first day.
    private static func isFingerprinted(_ time: UTCTime, through: UTCTime?, floor: UTCTime?) -> Bool {
        if let through { return isVerified(time, through: through) }
        guard let floor else { return false }
        return time.keyDatePath.bytesPrecede(floor.keyDatePath)
    }

    /// The days whose fingerprint differs between `stored` and `current` (changed, emptied or
    /// newly filled), as time spans to verify again.
    public static func changedDays(stored: [ObjectKey: String], current: [ObjectKey: String]) -> [TimeSpan] {
        let keys = Set(stored.keys).union(current.keys).filter { stored[$0] != current[$0] }
        return keys.compactMap { key -> TimeSpan? in
            guard let day = key.text.split(separator: "|").last.flatMap({ UTCTime(parsing: $0.replacingAll("/", with: "-")) }) else { return nil }
            return TimeSpan(start: day, end: day.adding(seconds: 86_399))
        }.sorted { $0.start < $1.start }
    }

    /// True when an object dated `time` lies in what a state verified through `limit` (from a
    /// location's oldest head end): a day before the limit's, or the limit's own day up to it.
    static func isVerified(_ time: UTCTime, through limit: UTCTime) -> Bool {
        let day = time.keyDatePath, limitDay = limit.keyDatePath
        if day.bytesPrecede(limitDay) { return true }
        return day.sameBytes(as: limitDay) && time <= limit
    }

    static func dayKey(_ location: TrailLocation, _ time: UTCTime) -> ObjectKey {
        ObjectKey("\(location.accountFolder)|\(location.region)|\(time.keyDatePath)")
    }
}
