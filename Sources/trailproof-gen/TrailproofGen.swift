import ArgumentParser
import Foundation
import TrailproofKit
import TrailproofTrailGen

/// `trailproof-gen`: writes realistic signed CloudTrail trails for tests, demos and benchmarks.
@main
struct TrailproofGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailproof-gen",
        abstract: "Write a realistic signed CloudTrail trail (bucket layout + public key file).",
        discussion: """
            Writes OUT/<bucket>/… (digests, log files, <key>.metadata.json sidecars) and \
            OUT/public-keys.json, then applies the requested tampering. Digest and log \
            indices refer to the first account and region's regular chain, oldest first.
            """
    )

    @Option(help: "Output directory.") var out: String
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Hourly digests per chain.") var hours = 24
    @Option(help: "First digest start (UTC).") var start = "2026-01-08T04:21:42Z"
    @Option(help: "Bucket name.") var bucket = "trailproof-example-bucket"
    @Option(help: "Key prefix before AWSLogs/.") var prefix = ""
    @Option(help: "Organization id (o-…) for an organization trail.") var org: String?
    @Option(help: "Comma-separated account ids.") var accounts = "111122223333"
    @Option(help: "Comma-separated regions.") var regions = "us-east-1"
    @Option(help: "Trail name.") var trailName = "management-events"
    @Option(help: "Log files per hour, as MIN-MAX.") var filesPerHour = "1-4"
    @Option(help: "Events per log file, as MIN-MAX.") var eventsPerFile = "3-30"
    @Option(help: "Metadata sidecars: all, none, newest.") var sidecars = "all"
    @Flag(help: "Also set user.signature extended attributes.") var xattrs = false
    @Option(help: "Rotate signing keys before this digest index.") var rotateKeyAt: Int?
    @Option(help: "Stop logging: AFTER:HOURS (after digest AFTER, for HOURS hours).") var stopLogging: String?
    @Flag(help: "Add a backfill chain.") var backfill = false
    @Option(help: "Digest index signed with a key missing from the key file (repeatable).") var unknownKeyDigest: [Int] = []
    @Option(help: "gzip level for log files.") var level: Int32 = 6

    @Option(help: "Log file index to modify (repeatable).") var modifyLog: [Int] = []
    @Option(help: "Log file index to delete (repeatable).") var deleteLog: [Int] = []
    @Option(help: "Log file index to truncate (repeatable).") var corruptLog: [Int] = []
    @Option(help: "Digest index to modify (repeatable).") var modifyDigest: [Int] = []
    @Option(help: "Digest index to delete (repeatable).") var deleteDigest: [Int] = []
    @Option(help: "Delete COUNT consecutive digests from FIRST: FIRST:COUNT.") var deleteDigests: String?
    @Option(help: "Digest index to move to another key (repeatable).") var moveDigest: [Int] = []
    @Option(help: "Digest index whose saved signature is removed (repeatable).") var stripSignature: [Int] = []
    @Option(help: "Plant an unreferenced log file in the hour of this digest index (repeatable).") var plantLog: [Int] = []
    @Option(help: "Delete the newest N digests with their log files.") var deleteNewest: Int?

    @Option(help: "Also write a CloudTrail Lake query export with N result files and a signed result_sign.json.") var lakeQuery: Int?
    @Option(help: "Lake export: result file index to modify (repeatable).") var lakeModify: [Int] = []
    @Option(help: "Lake export: result file index to delete (repeatable).") var lakeDelete: [Int] = []
    @Option(help: "Lake export: plant an unlisted result file with this name (repeatable).") var lakePlant: [String] = []

    func run() throws {
        var spec = TrailSpec()
        spec.seed = seed
        spec.hours = hours
        guard let startTime = UTCTime(parsing: start) else { throw ValidationError("--start is not a UTC time") }
        spec.start = startTime
        spec.bucket = bucket
        spec.keyPrefix = prefix
        spec.organizationID = org
        spec.accounts = accounts.split(separator: ",").map(String.init)
        spec.regions = regions.split(separator: ",").map(String.init)
        spec.trailName = trailName
        spec.logFilesPerHour = try range(filesPerHour)
        spec.eventsPerLogFile = try range(eventsPerFile)
        guard let policy = TrailSpec.SidecarPolicy(rawValue: sidecars) else { throw ValidationError("--sidecars: all, none or newest") }
        spec.metadataSidecars = policy
        spec.extendedAttributes = xattrs
        spec.rotateKeyAtHour = rotateKeyAt
        if let stopLogging {
            let parts = stopLogging.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--stop-logging AFTER:HOURS") }
            spec.stopLogging = (parts[0], parts[1])
        }
        spec.backfill = backfill
        spec.unknownKeyDigests = Set(unknownKeyDigest)
        spec.compressionLevel = level

        let trail = try TrailGenerator.generate(spec, into: out)
        let digests = trail.primaryDigests
        let logs = trail.logFiles.filter { log in digests.contains { $0.key == log.digestKey } }
        func digest(_ index: Int) throws -> GeneratedDigest {
            guard digests.indices.contains(index) else { throw ValidationError("no digest \(index) (0..<\(digests.count))") }
            return digests[index]
        }
        func log(_ index: Int) throws -> GeneratedLogFile {
            guard logs.indices.contains(index) else { throw ValidationError("no log file \(index) (0..<\(logs.count))") }
            return logs[index]
        }
        for index in modifyLog { try trail.modifyLogFile(try log(index).key) }
        for index in deleteLog { try trail.deleteObject(try log(index).key) }
        for index in corruptLog { try trail.truncateObject(try log(index).key) }
        for index in modifyDigest { try trail.modifyDigest(try digest(index).key) }
        for index in deleteDigest { try trail.deleteObject(try digest(index).key) }
        if let deleteDigests {
            let parts = deleteDigests.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--delete-digests FIRST:COUNT") }
            for index in parts[0]..<(parts[0] + parts[1]) { try trail.deleteObject(try digest(index).key) }
        }
        for index in moveDigest {
            // Within the same folder, under the name of a digest ending one second later.
            let moved = try digest(index)
            let oldName = moved.endTime.compact(withSeconds: true)
            let newName = moved.endTime.adding(seconds: 1).compact(withSeconds: true)
            try trail.moveObject(moved.key, to: moved.key.replacingOccurrences(of: oldName, with: newName))
        }
        for index in stripSignature { try trail.stripSignature(try digest(index).key) }
        for index in plantLog {
            let hour = try digest(index)
            try trail.plantLogFile(at: hour.startTime.adding(seconds: (hour.endTime.secondsSinceEpoch - hour.startTime.secondsSinceEpoch) / 2),
                                   seed: UInt64(index) + seed)
        }
        if let deleteNewest {
            for entry in digests.suffix(deleteNewest) {
                try trail.deleteObject(entry.key)
                for key in entry.logKeys { try trail.deleteObject(key) }
            }
        }
        print("wrote \(trail.digests.count) digests and \(trail.logFiles.count) log files (\(trail.uncompressedLogBytes) bytes uncompressed) to \(trail.root)")
        print("public keys: \(trail.publicKeysFile)")
        if let lakeQuery {
            var lake = QueryResultsSpec()
            lake.seed = seed
            lake.files = lakeQuery
            lake.region = spec.regions[0]
            lake.accountID = spec.accounts[0]
            let results = try QueryResultsGenerator.generate(lake, bucket: bucket, into: out)
            for index in lakeModify where results.fileNames.indices.contains(index) { try results.modifyFile(results.fileNames[index]) }
            for index in lakeDelete where results.fileNames.indices.contains(index) { try results.delete(results.fileNames[index]) }
            for name in lakePlant { try results.plant(name) }
            print("wrote a Lake query export of \(results.fileNames.count) result files to \(results.folderPath)")
            print("its public keys: \(results.publicKeysFile)")
        }
    }

    private func range(_ text: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        if parts.count == 1 { return parts[0]...parts[0] }
        guard parts.count == 2, parts[0] <= parts[1], parts[0] >= 0 else { throw ValidationError("\(text) is not MIN-MAX") }
        return parts[0]...parts[1]
    }
}
