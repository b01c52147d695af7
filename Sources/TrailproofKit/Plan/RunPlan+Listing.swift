extension RunPlan {
    /// Those of `keys` that the plan's listing of its source holds. Only log files of the
    /// selected trail can be asked about: each is looked up in its location's date folder, from
    /// the survey's spilled listing, or (without one) by listing that folder of the source.
    /// A key that does not parse as such a log file is never listed.
    func listed(_ keys: [String]) throws -> Set<ObjectKey> {
        var wanted: [TrailLocation: [ObjectKey: Set<ObjectKey>]] = [:]  // by date folder
        for key in keys {
            guard case .logFile(let name)? = TrailObjectKey(key) else { continue }
            wanted[name.location, default: [:]][ObjectKey(ListingSurvey.dateFolder(of: key)), default: []].insert(ObjectKey(key))
        }
        var present: Set<ObjectKey> = []
        for (location, days) in wanted {
            for (day, asked) in days {
                let held = try LocationBatch.logFiles(of: location, days: [day.text], in: store, spill: survey?.spill)
                present.formUnion(held.lazy.map { ObjectKey($0) }.filter { asked.contains($0) })
            }
        }
        return present
    }
}
