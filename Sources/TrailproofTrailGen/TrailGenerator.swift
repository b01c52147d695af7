import Dispatch
import Synchronization
import TrailproofKit
import TrailproofNative

/// Writes a realistic signed CloudTrail trail into a directory laid out like its bucket.
public enum TrailGenerator {
    /// Generates `spec` under `directory`: `directory/<bucket>/…` and `directory/public-keys.json`.
    public static func generate(_ spec: TrailSpec, into directory: String) throws -> GeneratedTrail {
        let root = directory + "/" + spec.bucket
        try LocalFile.makeDirectories(root)
        var random = SeededGenerator(seed: spec.seed)
        var digests: [GeneratedDigest] = []
        var logFiles: [GeneratedLogFile] = []
        var keyWindows: [String: (SigningAuthority.Key, TimeSpan)] = [:]
        let schedule = hourlySchedule(spec, random: &random)

        for (accountIndex, account) in spec.accounts.enumerated() {
            for (regionIndex, region) in spec.regions.enumerated() {
                let isPrimary = accountIndex == 0 && regionIndex == 0
                let baseKey = try SigningAuthority.key(regionIndex * 2)
                let rotatedKey = try SigningAuthority.key(regionIndex * 2 + 1)
                let unknownKey = try SigningAuthority.key(spec.regions.count * 2)
                let rotation = spec.rotateKeyAtHour.flatMap { $0 < schedule.count ? schedule[$0].span.start : nil }
                let farPast = spec.start.adding(seconds: -30 * 86_400)
                let farFuture = (schedule.last?.span.end ?? spec.start).adding(seconds: 60 * 86_400)
                keyWindows[baseKey.fingerprint] = (baseKey, TimeSpan(start: farPast, end: rotation ?? farFuture))
                if let rotation { keyWindows[rotatedKey.fingerprint] = (rotatedKey, TimeSpan(start: rotation, end: farFuture)) }

                let location = TrailLocation(keyPrefix: spec.keyPrefix, organizationID: spec.organizationID, accountID: account, region: region)
                let chain = ChainID(location: location, trailName: spec.trailName, homeRegion: spec.effectiveHomeRegion, isBackfill: false)
                let factory = EventRecordFactory(accountID: account, region: region)
                var writer = ChainWriter(spec: spec, root: root, chain: chain)
                var backfillWriter = ChainWriter(spec: spec, root: root,
                    chain: ChainID(location: location, trailName: spec.trailName, homeRegion: spec.effectiveHomeRegion, isBackfill: true))
                let regionOffset = Int64(regionIndex * 7 + accountIndex * 3)

                for (index, slot) in schedule.enumerated() {
                    let span = TimeSpan(start: slot.span.start.adding(seconds: regionOffset), end: slot.span.end.adding(seconds: regionOffset))
                    let count = Int.random(in: spec.logFilesPerHour, using: &random)
                    var planned = (0..<count).map { _ in plannedLog(location: location, span: span, spec: spec, random: &random) }
                    var late: [PlannedLog] = []
                    if spec.backfill && index % 6 == 2 {
                        late.append(plannedLog(location: location, span: span, spec: spec, random: &random))
                    }
                    let written = try writeLogs(planned + late, root: root, factory: factory, level: spec.compressionLevel)
                    planned = Array(written.prefix(planned.count))
                    late = Array(written.dropFirst(planned.count))
                    var key = rotation.map { span.end > $0 ? rotatedKey : baseKey } ?? baseKey
                    if isPrimary && spec.unknownKeyDigests.contains(index) { key = unknownKey }
                    let digest = try writer.writeDigest(span: span, logs: planned, key: key, restart: slot.restartsChain)
                    digests.append(digest)
                    logFiles += planned.map { GeneratedLogFile(key: $0.key, digestKey: digest.key, deliveredAt: $0.delivered, uncompressedBytes: $0.size) }
                    if !late.isEmpty {
                        let lateSpan = TimeSpan(start: span.end, end: span.end.adding(seconds: 3 * 3600 + 17))
                        let backfill = try backfillWriter.writeDigest(span: lateSpan, logs: late, key: key, restart: false)
                        digests.append(backfill)
                        logFiles += late.map { GeneratedLogFile(key: $0.key, digestKey: backfill.key, deliveredAt: $0.delivered, uncompressedBytes: $0.size) }
                    }
                }
                try writer.finish()
                try backfillWriter.finish()
            }
        }
        let keyFile = directory + "/public-keys.json"
        let keys = keyWindows.values.sorted { $0.0.fingerprint < $1.0.fingerprint }
        try LocalFile.write(SigningAuthority.listPublicKeysJSON(keys), to: keyFile)
        return GeneratedTrail(root: root, publicKeysFile: keyFile, bucket: spec.bucket, digests: digests, logFiles: logFiles)
    }

    struct Slot {
        let span: TimeSpan
        let restartsChain: Bool
    }

    /// Hourly digest windows with realistic jitter, and the restart after a logging stop.
    static func hourlySchedule(_ spec: TrailSpec, random: inout SeededGenerator) -> [Slot] {
        var slots: [Slot] = []
        var start = spec.start
        for index in 0..<spec.hours {
            var restart = index == 0
            if let stop = spec.stopLogging, index == stop.afterHour + 1 {
                start = start.adding(seconds: Int64(stop.hours) * 3600 + Int64.random(in: 60...900, using: &random))
                restart = true
            }
            let end = start.adding(seconds: 3600 + Int64.random(in: -4...9, using: &random))
            slots.append(Slot(span: TimeSpan(start: start, end: end), restartsChain: restart))
            start = end
        }
        return slots
    }

    struct PlannedLog: Sendable {
        let key: String
        let delivered: UTCTime
        let events: Int
        let seed: UInt64
        var hash = ""
        var size = 0
        var eventSpan: TimeSpan
    }

    static func plannedLog(location: TrailLocation, span: TimeSpan, spec: TrailSpec, random: inout SeededGenerator) -> PlannedLog {
        let latest = max(span.start.secondsSinceEpoch + 31, span.end.secondsSinceEpoch - 90)
        let delivered = UTCTime(secondsSinceEpoch: Int64.random(in: (span.start.secondsSinceEpoch + 30)...latest, using: &random))
        let minute = UTCTime(secondsSinceEpoch: delivered.secondsSinceEpoch / 60 * 60)
        let name = "\(location.accountID)_CloudTrail_\(location.region)_\(minute.compact(withSeconds: false))_\(random.string(16)).json.gz"
        let key = "\(location.accountFolder)CloudTrail/\(location.region)/\(minute.keyDatePath)/\(name)"
        return PlannedLog(key: key, delivered: delivered, events: Int.random(in: spec.eventsPerLogFile, using: &random),
                          seed: random.next(),
                          eventSpan: TimeSpan(start: delivered.adding(seconds: -600), end: delivered.adding(seconds: -60)))
    }

    /// Writes log files in parallel (content is deterministic per log's own seed).
    static func writeLogs(_ logs: [PlannedLog], root: String, factory: EventRecordFactory, level: Int32) throws -> [PlannedLog] {
        guard !logs.isEmpty else { return [] }
        let results = Mutex<[Int: Result<PlannedLog, Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: logs.count) { index in
            var log = logs[index]
            var random = SeededGenerator(seed: log.seed)
            let result = Result<PlannedLog, Error> {
                let body = factory.logFile(events: log.events, from: log.eventSpan.start, to: log.eventSpan.end, random: &random)
                log.hash = try MessageDigest.sha256Hex(body)
                log.size = body.count
                try LocalFile.write(try Gzip.compress(body, level: level), to: root + "/" + log.key)
                return log
            }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { map in
            try (0..<logs.count).map { index in
                guard let result = map[index] else { throw NativeError(.system, "write log file \(logs[index].key)") }
                return try result.get()
            }
        }
    }
}
