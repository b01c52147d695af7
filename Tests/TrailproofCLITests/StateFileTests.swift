import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// `--state FILE`: each run verifies and releases only what came after the previous one, proves
/// the chains link on even when the old objects are gone, and refuses a state it cannot trust.
@Suite struct StateFileTests {
    /// A generated trail and a copy holding only what was delivered before `cut`.
    struct Split {
        let scratch: ScratchDirectory
        let trail: GeneratedTrail
        let copy: String
        var state: String { scratch.path + "/state.json" }

        init(_ label: String, hours: Int = 8, configure: (inout TrailSpec) -> Void = { _ in }) throws {
            scratch = try ScratchDirectory("state-\(label)")
            var spec = TrailSpec()
            spec.hours = hours
            spec.logFilesPerHour = 1...3
            spec.eventsPerLogFile = 2...6
            configure(&spec)
            trail = try TrailGenerator.generate(spec, into: scratch.path + "/full")
            copy = scratch.path + "/copy/" + spec.bucket
        }

        /// Copies every object whose name's time is before `cut` (digests and log files alike), with sidecars.
        func deliver(before cut: UTCTime) throws {
            for key in try DirectoryStore(root: trail.root).listKeys() {
                let time = TrailObjectKey.locationAndTime(ofKey: key)?.time
            guard let time, time < cut else { continue }
                let target = copy + "/" + key
                if !FileManager.default.fileExists(atPath: target) { try LocalFile.write(try trail.readObject(key), to: target) }
            }
        }

        func records(_ extra: [String] = []) throws -> BuiltBinary.Run {
            try BuiltBinary.run(["records", copy, "--public-keys", trail.publicKeysFile, "--state", state,
                                 "--out", scratch.path + "/out.ndjson"] + extra)
        }

        func released() throws -> [String] {
            try String(decoding: LocalFile.readAll(scratch.path + "/out.ndjson", limit: 1 << 26), as: UTF8.self).split(separator: "\n")
                .map { ((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["eventID"] as? String) ?? "?" }
        }

        func allEventIDs() throws -> [String] {
            var ids: [String] = []
            for log in trail.logFiles {
                let body = try Gzip.decompress(try trail.readObject(log.key), limit: 1 << 26)
                let records = ((try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["Records"] as? [[String: Any]]) ?? []
                ids += records.compactMap { $0["eventID"] as? String }
            }
            return ids
        }
    }

    @Test(arguments: [3, 5])
    func runsInTurnReleaseEveryRecordExactlyOnceEvenWithTheOldObjectsGone(cutHour: Int) throws {
        let split = try Split("increments-\(cutHour)") { $0.seed = UInt64(cutHour) }
        defer { split.scratch.remove() }
        let cut = split.trail.primaryDigests[cutHour].endTime.adding(seconds: 60)
        try split.deliver(before: cut)
        let first = try split.records()
        #expect(first.status == 0, "\(first.stderr)")
        // The verified past is gone before the next run: the state proves the link.
        let old = split.trail.primaryDigests.prefix(cutHour + 1)
        func removeVerifiedPast() throws {
            for digest in old.dropLast() {
                try LocalFile.remove(split.copy + "/" + digest.key)
                try LocalFile.remove(split.copy + "/" + digest.key + ".metadata.json")
            }
        }
        try removeVerifiedPast()
        try split.deliver(before: UTCTime(year: 2027, month: 1, day: 1)!)
        try removeVerifiedPast()
        let second = try split.records()
        #expect(second.status == 0, "\(second.stderr)")
        let released = try split.released()
        #expect(released.count == Set(released).count, "no record twice")
        #expect(Set(released) == Set(try split.allEventIDs()))
        let third = try split.records()
        #expect(third.stderr.contains("Records: 0 released"), "\(third.stderr)")
    }

    /// How a run comes to withhold a log file's records.
    enum Withholding: String, CaseIterable, CustomTestStringConvertible {
        case modified, deleted, truncated, digestSignatureBroken
        var testDescription: String { rawValue }
    }

    @Test(arguments: Withholding.allCases, [false, true])
    func aLogFileWithheldByOneRunAndRestoredIsReleasedExactlyOnceByTheNext(_ withholding: Withholding, inNewestDigest: Bool) throws {
        let split = try Split("withheld-\(withholding.rawValue)-\(inNewestDigest)", hours: 9) {
            $0.seed = 41
            $0.logFilesPerHour = 2...3
        }
        defer { split.scratch.remove() }
        let cut = split.trail.primaryDigests[6].endTime.adding(seconds: 60)
        let candidates = split.trail.primaryDigestsWithLogs.filter { $0.endTime < cut }
        let digest = try #require(inNewestDigest ? candidates.last : candidates.dropFirst(2).first)
        let target = digest.logKeys[0]
        let tampered = withholding == .digestSignatureBroken ? digest.key : target
        let original = try split.trail.readObject(tampered)
        switch withholding {
        case .modified: try split.trail.modifyLogFile(target)
        case .deleted: try split.trail.deleteObject(target)
        case .truncated: try split.trail.truncateObject(target)
        case .digestSignatureBroken: try split.trail.modifyDigest(digest.key)
        }
        try split.deliver(before: cut)
        let first = try split.records()
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("Withheld log files:"), "\(first.stderr)")
        // Restored (in the bucket and its source) before the next run, and the trail goes on.
        try LocalFile.write(original, to: split.trail.path(of: tampered))
        try LocalFile.write(original, to: split.copy + "/" + tampered)
        try split.deliver(before: UTCTime(year: 2027, month: 1, day: 1)!)
        let second = try split.records()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("Withheld"), "\(second.stderr)")
        let released = try split.released()
        #expect(released.count == Set(released).count, "no record twice")
        #expect(Set(released) == Set(try split.allEventIDs()), "every record once")
        let body = try Gzip.decompress(original, limit: 1 << 26)
        if withholding != .digestSignatureBroken {
            let records = ((try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["Records"] as? [[String: Any]]) ?? []
            #expect(!records.isEmpty)
            for id in records.compactMap({ $0["eventID"] as? String }) {
                #expect(released.filter { $0 == id }.count == 1, "the restored file's record \(id) arrives exactly once")
            }
        }
        let third = try split.records()
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stderr.contains("Records: 0 released"), "\(third.stderr)")
    }

    @Test func aStateWrittenBeforeReleasedPastMarkExistedIsStillRead() throws {
        let split = try Split("older-state", hours: 4)
        defer { split.scratch.remove() }
        try split.deliver(before: split.trail.primaryDigests[2].endTime.adding(seconds: 60))
        #expect(try split.records().status == 0)
        var state = try #require(try JSONSerialization.jsonObject(with: Data(try LocalFile.readAll(split.state, limit: 1 << 20))) as? [String: Any])
        state["releasedPastMark"] = nil
        try LocalFile.write(Array(try JSONSerialization.data(withJSONObject: state)), to: split.state)
        try split.deliver(before: UTCTime(year: 2027, month: 1, day: 1)!)
        let next = try split.records()
        #expect(next.status == 0, "\(next.stderr)")
        let released = try split.released()
        let all = Set(try split.allEventIDs())
        #expect(released.count == Set(released).count && Set(released) == all)
    }

    @Test func aFirstNewDigestThatDoesNotLinkToTheVerifiedHeadIsAFinding() throws {
        let split = try Split("broken-link")
        defer { split.scratch.remove() }
        try split.deliver(before: split.trail.primaryDigests[3].endTime.adding(seconds: 60))
        #expect(try BuiltBinary.run(["verify", split.copy, "--public-keys", split.trail.publicKeysFile, "--state", split.state]).status == 0)
        // Another head than the one the trail continues from, as if the verified past had been swapped.
        var text = String(decoding: try LocalFile.readAll(split.state, limit: 1 << 20), as: UTF8.self)
        let head = split.trail.primaryDigests[3]
        let sha = try #require(text.range(of: "\"sha256\":\"")).upperBound
        text.replaceSubrange(sha..<text.index(sha, offsetBy: 64), with: String(repeating: "0", count: 64))
        try LocalFile.write(Array(text.utf8), to: split.state)
        try split.deliver(before: UTCTime(year: 2027, month: 1, day: 1)!)
        try LocalFile.remove(split.copy + "/" + head.key)
        try LocalFile.remove(split.copy + "/" + head.key + ".metadata.json")
        let run = try BuiltBinary.run(["verify", split.copy, "--public-keys", split.trail.publicKeysFile, "--state", split.state])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("the head verified by an earlier run"), "\(run)")
    }

    @Test func aChainRestartBetweenRunsIsAGap() throws {
        let split = try Split("restart", hours: 9) { $0.stopLogging = (afterHour: 4, hours: 2) }
        defer { split.scratch.remove() }
        try split.deliver(before: split.trail.primaryDigests[4].endTime.adding(seconds: 60))
        #expect(try split.records().status == 0)
        try split.deliver(before: UTCTime(year: 2027, month: 1, day: 1)!)
        let run = try split.records()
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("gap chain-restart"), "\(run.stderr)")
    }

    @Test func aCorruptForeignOrLockedStateIsRefusedNeverReset() throws {
        let split = try Split("refused", hours: 3)
        defer { split.scratch.remove() }
        try split.deliver(before: UTCTime(year: 2027, month: 1, day: 1)!)
        try LocalFile.write(Array("{not json".utf8), to: split.state)
        let corrupt = try split.records()
        #expect(corrupt.status == 2, "\(corrupt)")
        #expect(corrupt.stderr.contains("never reset silently"), "\(corrupt)")
        #expect(String(decoding: try LocalFile.readAll(split.state, limit: 1 << 20), as: UTF8.self) == "{not json")

        try LocalFile.remove(split.state)
        #expect(try BuiltBinary.run(["verify", split.trail.root, "--public-keys", split.trail.publicKeysFile, "--state", split.state]).status == 0)
        let foreign = try split.records()
        #expect(foreign.status == 2, "\(foreign)")
        #expect(foreign.stderr.contains("belongs to \(split.trail.root)"), "\(foreign)")

        try LocalFile.remove(split.state)
        let holder = try ProcessRunner.start("python3", ["-c", "import fcntl,sys,time; f=open(sys.argv[1],'a'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
                                                         split.state + ".lock"])
        defer { holder.stop() }
        #expect(holder.firstLineOfStandardOutput(timeout: 30) == "held", "\(holder.standardErrorSoFar)")
        let locked = try split.records()
        #expect(locked.status == 2, "\(locked)")
        #expect(locked.stderr.contains("in use by another run"), "\(locked)")
    }

    @Test func recheckFindsTamperingWithTheVerifiedPastByItsDayFingerprints() throws {
        let split = try Split("recheck", hours: 40) { $0.logFilesPerHour = 1...1; $0.eventsPerLogFile = 2...3 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify(_ extra: [String]) throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state] + extra)
        }
        let first = try verify(["--recheck"])
        #expect(first.status == 0, "\(first)")
        let state = try JSONSerialization.jsonObject(with: Data(try LocalFile.readAll(split.state, limit: 1 << 20))) as? [String: Any]
        #expect((state?["days"] as? [String: String])?.count == 2, "the first day, wholly before the head, and the head's own day are fingerprinted")
        let quiet = try verify(["--recheck"])
        #expect(quiet.status == 0 && !quiet.stderr.contains("--recheck:"), "\(quiet)")
        // Tamper with a log file of the first (verified) day.
        let target = try #require(split.trail.logFiles.first { $0.deliveredAt.keyDatePath == "2026/01/08" && $0.digestKey != nil })
        try split.trail.modifyLogFile(target.key)
        let cheap = try verify([])
        #expect(cheap.status == 0, "without --recheck the verified past is not read: \(cheap)")
        let rechecked = try verify(["--recheck"])
        #expect(rechecked.status == 1, "\(rechecked)")
        #expect(rechecked.stderr.contains("log-file modified: s3://\(split.trail.bucket)/\(target.key)"), "\(rechecked)")
        #expect(rechecked.stderr.contains("--recheck: 1 day folders changed"), "\(rechecked)")
        // The finding stays until resolved: the next recheck reports it again.
        #expect(try verify(["--recheck"]).status == 1)
    }

    /// The digest that ends a verified day, deleted (its log files left, or deleted too): its
    /// successor lies in the next day's folder, which did not change. The recheck of the changed
    /// day reaches that successor, so the link to the deleted digest is checked: missing.
    @Test(arguments: [(seed: UInt64(11), withLogFiles: false), (seed: 4, withLogFiles: true), (seed: 23, withLogFiles: false)])
    func recheckFindsTheDigestThatEndedAChangedDayDeleted(_ shape: (seed: UInt64, withLogFiles: Bool)) throws {
        let split = try Split("recheck-day-end-\(shape.seed)", hours: 40) { $0.seed = shape.seed; $0.logFilesPerHour = 1...2 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"])
        }
        #expect(try verify().status == 0)
        let firstDay = split.trail.primaryDigests[0].endTime.keyDatePath
        let target = try #require(split.trail.primaryDigests.last { $0.endTime.keyDatePath.sameBytes(as: firstDay) })
        try split.trail.deleteObject(target.key)
        if shape.withLogFiles { for key in target.logKeys { try split.trail.deleteObject(key) } }
        for attempt in 0..<2 {
            let rechecked = try verify()
            #expect(rechecked.status == 1, "attempt \(attempt): \(rechecked)")
            // Named by its key (the recheck's window holds no digest naming the chain's bucket) or its URL.
            let lines = rechecked.stderr.split(separator: "\n")
            #expect(lines.contains { $0.contains("digest missing: ") && $0.contains(target.key + " (") }, "\(rechecked)")
            if !shape.withLogFiles, let logKey = target.logKeys.first {
                #expect(lines.contains { $0.contains("log-file unreferenced: ") && $0.contains(logKey + ":") }, "\(rechecked)")
            }
        }
    }

    /// Each chain's verified past runs to its own head: a region whose head is held back by a
    /// failure (reported every run) does not narrow the recheck of another region, whose
    /// deleted digest is found missing.
    @Test(arguments: [UInt64(6), 21])
    func aHeldBackHeadDoesNotNarrowTheRecheckOfAnotherChain(_ seed: UInt64) throws {
        let split = try Split("recheck-held-back-\(seed)", hours: 30) { $0.seed = seed; $0.regions = ["us-east-1", "eu-west-1"]; $0.logFilesPerHour = 1...1 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"])
        }
        let held = split.trail.digests.filter { $0.key.contains("/eu-west-1/") }
        try split.trail.modifyDigest(held[4].key)
        #expect(try verify().status == 1, "the broken digest holds its chain's head back")
        let other = split.trail.digests.filter { $0.key.contains("/us-east-1/") }
        let target = other[other.count - 3]
        try split.trail.deleteObject(target.key)
        let rechecked = try verify()
        #expect(rechecked.status == 1, "\(rechecked)")
        #expect(rechecked.stderr.split(separator: "\n").contains { $0.contains("digest missing: ") && $0.contains(target.key + " (") }, "\(rechecked)")
    }

    /// A digest moved into a new location (a chain the state has no head for, the run's own)
    /// links to a predecessor dated before the day the run's listing starts at: it is read
    /// where it is, not reported missing because the listing did not reach it. The recheck
    /// then says what a run without a state says.
    @Test(arguments: [UInt64(3), 14])
    func aLinkToBeforeTheListingIsReadNotReportedMissing(_ seed: UInt64) throws {
        let split = try Split("recheck-before-listing-\(seed)", hours: 30) { $0.seed = seed; $0.logFilesPerHour = 1...1 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        #expect(try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state]).status == 0)
        let digests = split.trail.primaryDigests
        let firstOfDay2 = try #require(digests.first { !$0.endTime.keyDatePath.sameBytes(as: digests[0].endTime.keyDatePath) })
        try split.trail.moveObject(firstOfDay2.key, to: "copy/" + firstOfDay2.key)
        let rechecked = try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"])
        let stateless = try BuiltBinary.run(["verify", root, "--public-keys", keys])
        #expect(rechecked.status == 1 && stateless.status == 1)
        let result = { (run: BuiltBinary.Run) in run.stdout.split(separator: "\n").filter { $0.hasPrefix("Result:") || $0.contains("digest files") } }
        #expect(result(rechecked) == result(stateless), "\(rechecked)\n\(stateless)")
    }

    /// A log file delivered in the last minutes before a state's head (here 07:18 before a head
    /// ending 07:22, seed 2), listed by the head: with nothing newer, the run still reads the
    /// head's list, so the file is not "not yet covered" beside the recheck's "valid", and the
    /// totals are the same with and without the valid records listed.
    @Test func theHeadsLastMinutesAreListedThoughNothingNewerArrived() throws {
        let split = try Split("head-last-minutes", hours: 3) { spec in
            spec.seed = 2
            spec.accounts = ["111122223333", "444455556666"]
            spec.logFilesPerHour = 0...2
        }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        #expect(try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state]).status == 0)
        let saved = try LocalFile.readAll(split.state, limit: 1 << 20)
        var totals: [VerificationReport.Totals] = []
        for extra in [[], ["--list-valid"]] {
            try LocalFile.write(saved, to: split.state)
            let run = try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck", "--format", "json"] + extra)
            #expect(run.status == 0, "\(run)")
            #expect(!run.stderr.contains("not-yet-covered"), "\(run)")
            totals.append(try JSONReport.decode(Array(run.stdout.utf8)).totals)
        }
        #expect(totals[0].logFiles == split.trail.logFiles.count && totals[1].logFiles == totals[0].logFiles, "\(totals)")
        #expect(totals[0].logFileBytesHashed == totals[1].logFileBytesHashed)
    }

    /// The head's own hour is the verified past too: its log files deleted, modified or joined
    /// by a planted one, or the head's signature or body changed, are found by the recheck (its
    /// day's fingerprint runs through the head), as a run without a state finds them.
    @Test(arguments: ["delete", "modify", "plant", "head-signature", "head-body"], [UInt64(7), 15])
    func recheckFindsTamperingInTheHeadsOwnHour(_ change: String, _ seed: UInt64) throws {
        let split = try Split("recheck-head-hour-\(change)-\(seed)", hours: 3) { $0.seed = seed; $0.logFilesPerHour = 1...3 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"])
        }
        #expect(try verify().status == 0)
        let quiet = try verify()
        #expect(quiet.status == 0 && !quiet.stderr.contains("--recheck:"), "nothing changed: \(quiet)")
        let head = try #require(split.trail.primaryDigestsWithLogs.last)
        let logKey = try #require(head.logKeys.last)
        switch change {
        case "delete": try LocalFile.remove(split.trail.path(of: logKey))
        case "modify": try split.trail.modifyLogFile(logKey)
        case "plant":
            // The same minute, another unique part: a well-formed name no digest lists.
            let base = logKey.dropLast(".json.gz".count)
            let planted = base.dropLast() + (base.last == "A" ? "B" : "A") + ".json.gz"
            try LocalFile.write(try LocalFile.readAll(split.trail.path(of: logKey), limit: 1 << 24), to: split.trail.path(of: String(planted)))
        case "head-signature": try split.trail.stripSignature(head.key)
        default: try split.trail.modifyDigest(head.key)
        }
        let rechecked = try verify()
        #expect(rechecked.status == 1, "\(change): \(rechecked)")
        #expect(try BuiltBinary.run(["verify", root, "--public-keys", keys]).status == 1, "a run without a state finds it too")
    }

    /// A log file its chain's head lists, delivered in the head's last 5 minutes, modified after
    /// it was verified: the head's day changed, and the recheck finds it, as a run without a
    /// state does.
    @Test func recheckFindsALogFileOfTheHeadsLastMinutesModified() throws {
        // The first of these seeds whose trail has a head listing a log file of its last 5 minutes.
        var found: (split: Split, target: String)?
        for seed in UInt64(50113)...50160 where found == nil {
            let split = try Split("recheck-last-minutes-\(seed)", hours: 26) { spec in
                spec.seed = seed
                spec.accounts = ["111122223333", "444455556666"]
                spec.regions = ["us-east-1", "eu-west-1"]
                spec.logFilesPerHour = 0...2
            }
            let heads = Dictionary(grouping: split.trail.digests, by: { $0.chain }).values.compactMap { $0.max { $0.endTime < $1.endTime } }
            let late = heads.flatMap { head in
                head.logKeys.filter { key in
                    TrailObjectKey.locationAndTime(ofKey: key).map { head.endTime.secondsSinceEpoch - $0.time.secondsSinceEpoch < 300 } ?? false
                }
            }
            if let target = late.first { found = (split, target) } else { split.scratch.remove() }
        }
        let (split, target) = try #require(found)
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"])
        }
        #expect(try verify().status == 0)
        try split.trail.modifyLogFile(target)
        let rechecked = try verify()
        #expect(rechecked.status == 1, "\(rechecked)")
        #expect(rechecked.stderr.contains("log-file modified: ") && rechecked.stderr.contains(target), "\(rechecked)")
    }

    /// What is planted among the new objects is reported by the run, and again by every later
    /// run until resolved, though the heads move past it: a log file beside a genuine one, or a
    /// genuine digest copied into a new prefix (a chain of its own, with no head, whose date
    /// folder then falls before the one runs list from). Its day keeps no fingerprint. The copy
    /// was reported once, then forgotten.
    @Test(arguments: [(seed: UInt64(3), plants: "log-file"), (seed: 17, plants: "log-file"),
                      (seed: 6, plants: "digest-copy"), (seed: 21, plants: "digest-copy")])
    func whatIsPlantedAmongTheNewObjectsIsReportedAgainUntilResolved(_ shape: (seed: UInt64, plants: String)) throws {
        let split = try Split("planted-again-\(shape.seed)-\(shape.plants)", hours: 40) { $0.seed = shape.seed; $0.logFilesPerHour = 1...2 }
        defer { split.scratch.remove() }
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", split.copy, "--public-keys", split.trail.publicKeysFile, "--state", split.state, "--recheck"])
        }
        let digests = split.trail.primaryDigests
        try split.deliver(before: digests[5].endTime.adding(seconds: 60))
        #expect(try verify().status == 0)
        try split.deliver(before: digests[8].endTime.adding(seconds: 60))
        let (genuine, planted, finding): (String, String, String)
        if shape.plants == "log-file" {
            genuine = try #require(digests[8].logKeys.first)
            let base = genuine.dropLast(".json.gz".count)
            (planted, finding) = (String(base.dropLast() + (base.last == "A" ? "B" : "A") + ".json.gz"), "log-file unreferenced: ")
        } else {
            (genuine, planted, finding) = (digests[7].key, "copy/" + digests[7].key, "digest moved: ")
            try LocalFile.write(try LocalFile.readAll(split.copy + "/" + genuine + ".metadata.json", limit: 1 << 20),
                                to: split.copy + "/" + planted + ".metadata.json")
        }
        try LocalFile.write(try LocalFile.readAll(split.copy + "/" + genuine, limit: 1 << 24), to: split.copy + "/" + planted)
        for attempt in 0..<3 {
            if attempt == 1 { try split.deliver(before: UTCTime(secondsSinceEpoch: 4_000_000_000)) }  // the heads move on
            let run = try verify()
            #expect(run.status == 1, "attempt \(attempt): \(run)")
            #expect(run.stderr.contains(finding) && run.stderr.contains(planted), "attempt \(attempt): \(run)")
        }
        for leftover in [planted, planted + ".metadata.json"] where LocalFile.exists(split.copy + "/" + leftover) {
            try LocalFile.remove(split.copy + "/" + leftover)
        }
        #expect(try verify().status == 0, "resolved")
    }

    /// What a recheck finds that the run itself found too (a digest moved into a new location,
    /// a chain with no head, which the run verifies whole; an unexpected object) is counted
    /// once: every total equals what the records say, as in a run without a state.
    /// A digest copied under another trail's name (a chain of its own, the run's) lists log
    /// files the recheck judges by their hash: they take the recheck's verdict, as in a run
    /// without a state, and are not also "unverified". One copied into a prefix the state never
    /// saw, in an old day, changes that day's fingerprint and is found moved.
    @Test(arguments: [(seed: UInt64(4), change: "move-digest"), (seed: 9, change: "move-digest"), (seed: 4, change: "move-log"),
                      (seed: 13, change: "move-log"), (seed: 2, change: "copy-as-another-trail"), (seed: 8, change: "copy-as-another-trail"),
                      (seed: 5, change: "copy-into-a-new-prefix"), (seed: 12, change: "copy-into-a-new-prefix")])
    func aRecheckCountsWhatTheRunAlsoFoundOnce(_ shape: (seed: UInt64, change: String)) throws {
        let split = try Split("recheck-once-\(shape.seed)-\(shape.change)", hours: 30) { $0.seed = shape.seed; $0.logFilesPerHour = 1...2 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify(_ extra: [String] = []) throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"] + extra)
        }
        #expect(try verify().status == 0)
        let saved = try LocalFile.readAll(split.state, limit: 1 << 20)
        if shape.change == "move-digest" {
            let digest = split.trail.primaryDigests[0].key
            try split.trail.moveObject(digest, to: "copy/" + digest)
        } else if shape.change == "copy-into-a-new-prefix" {
            // A location the state has never seen, in a day before any run's listing.
            let digest = split.trail.primaryDigests[1].key
            try split.trail.overwriteObject("copy/" + digest, with: try LocalFile.readAll(split.trail.path(of: digest), limit: 1 << 24))
            try split.trail.overwriteObject("copy/" + digest + ".metadata.json", with: try LocalFile.readAll(split.trail.path(of: digest) + ".metadata.json", limit: 1 << 20))
        } else if shape.change == "copy-as-another-trail" {
            let digest = try #require(split.trail.primaryDigestsWithLogs.first).key
            let copy = digest.replacingOccurrences(of: "_management-events_", with: "_mgmt-copy_")
            try split.trail.overwriteObject(copy, with: try LocalFile.readAll(split.trail.path(of: digest), limit: 1 << 24))
            try split.trail.overwriteObject(copy + ".metadata.json", with: try LocalFile.readAll(split.trail.path(of: digest) + ".metadata.json", limit: 1 << 20))
        } else {
            let log = try #require(split.trail.logFiles.first { $0.deliveredAt.keyDatePath == "2026/01/08" })
            try split.trail.moveObject(log.key, to: log.key.replacingOccurrences(of: "/2026/01/08/", with: "/2026/01/09/"))
        }
        let text = try verify()
        #expect(text.status == 1, "\(text)")
        try LocalFile.write(saved, to: split.state)
        let json = try verify(["--format", "json", "--list-valid"])
        let report = try JSONReport.decode(Array(json.stdout.utf8))
        let t = report.totals
        #expect(t.digests == report.digests.count, "\(t)")
        #expect(t.digestsValid == report.digests.filter { $0.verdict == .valid }.count)
        for (verdict, count) in t.digestsByVerdict { #expect(count == report.digests.filter { $0.verdict.rawValue == verdict }.count, "\(verdict)") }
        #expect(t.logFilesByVerdict.values.reduce(0, +) == report.logFiles.count)
        #expect(t.logFileBytesHashed == report.logFiles.compactMap(\.uncompressedBytes).reduce(0, +))
        #expect(t.objectFindings == report.objects.count)
        #expect(t.missingDigestHours == report.digests.filter { $0.verdict == .missing }.map { $0.hours ?? 1 }.reduce(0, +))
        #expect(t.findings == report.digests.filter { $0.verdict != .valid }.count + report.logFiles.filter(\.verdict.isFinding).count
                + report.objects.count + (report.scope.gapsAllowed ? 0 : report.gaps.count), "\(t)")
        // The text's counts add up, and its result names as many findings as the JSON.
        #expect(text.stdout.contains("Result: INTEGRITY PROBLEMS FOUND (\(t.findings))"), "\(text)")
        #expect(!text.stdout.contains("(0 of them verified again"), "\(text)")
        // The findings are a run without a state's.
        let stateless = try BuiltBinary.run(["verify", root, "--public-keys", keys])
        let result = { (run: BuiltBinary.Run) in run.stdout.split(separator: "\n").first { $0.hasPrefix("Result:") } }
        if shape.change.hasPrefix("copy-") { #expect(result(text) == result(stateless), "\(text)\n\(stateless)") }
    }

    /// Issue 18: a log file of the current day folder, verified by an earlier run, deleted: the
    /// recheck names it, and a trail's first day gives no gap from midnight.
    @Test func recheckComparesTheCurrentDayFolderToo() throws {
        let split = try Split("recheck-today", hours: 12) { $0.logFilesPerHour = 1...1; $0.eventsPerLogFile = 2...3 }
        defer { split.scratch.remove() }
        let root = split.trail.root, keys = split.trail.publicKeysFile
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", root, "--public-keys", keys, "--state", split.state, "--recheck"])
        }
        let first = try verify()
        #expect(first.status == 0, "\(first)")
        // Nothing new: the chain line says what the state verified, never "0/0 … nothing verified".
        let quiet = try verify()
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdout.contains(": no digest since the head: verified through "), "\(quiet)")
        #expect(!quiet.stdout.contains("0/0 digests"), "\(quiet)")
        // The window it asked for is what came after the heads: the log files before them are
        // outside it, not outside "all digests".
        #expect(quiet.stdout.contains("Results requested for digests since each chain's head in the state (no --start or --end)"), "\(quiet)")
        #expect(!first.stdout.contains("since each chain's head"), "\(first)")
        let target = try #require(split.trail.logFiles.first { $0.digestKey != nil })
        try LocalFile.remove(split.trail.path(of: target.key))
        let rechecked = try verify()
        #expect(rechecked.status == 1, "\(rechecked)")
        #expect(rechecked.stderr.contains("log-file missing: s3://\(split.trail.bucket)/\(target.key)"), "\(rechecked)")
        #expect(!rechecked.stderr.contains("uncovered-start"), "\(rechecked)")
        #expect(rechecked.stdout.contains("of them verified again (their day folders changed)"), "the chain line says what was re-verified: \(rechecked)")
        // What the recheck verified is found: the summary does not say nothing was.
        #expect(rechecked.stdout.contains("Results found for "), "\(rechecked)")
    }

    /// The head a state recorded, deleted after it was verified with the log files it lists: the
    /// recheck reports it missing, whether or not newer digests link to it (nothing else can:
    /// no fingerprint holds the head's own hour, and only the head names its log files), and
    /// again on every later recheck until it is resolved.
    @Test(arguments: [(4, true), (4, false), (6, true)])
    func aHeadDeletedAfterItWasVerifiedIsMissingToARecheck(_ shape: (head: Int, newerArrive: Bool)) throws {
        let split = try Split("recheck-head-\(shape.head)-\(shape.newerArrive)", hours: 9) { $0.logFilesPerHour = 1...2; $0.eventsPerLogFile = 1...2 }
        defer { split.scratch.remove() }
        let head = split.trail.digests[shape.head]
        try split.deliver(before: head.endTime.adding(seconds: 60))
        func verify() throws -> BuiltBinary.Run {
            try BuiltBinary.run(["verify", split.copy, "--public-keys", split.trail.publicKeysFile, "--state", split.state, "--recheck"])
        }
        let first = try verify()
        #expect(first.status == 0, "\(first)")
        if shape.newerArrive { try split.deliver(before: UTCTime(secondsSinceEpoch: 4_000_000_000)) }
        for key in head.logKeys + [head.key, head.key + ".metadata.json"] where LocalFile.exists(split.copy + "/" + key) {
            try LocalFile.remove(split.copy + "/" + key)
        }
        for attempt in 0..<2 {
            let rechecked = try verify()
            #expect(rechecked.status == 1, "attempt \(attempt): \(rechecked)")
            // Named by its URL when the run knows its chain's bucket (a digest since the head names it), else by its key.
            let name = shape.newerArrive ? "s3://\(split.trail.bucket)/\(head.key)" : head.key
            #expect(rechecked.stderr.contains("digest missing: \(name) ("), "attempt \(attempt): \(rechecked)")
            #expect(rechecked.stderr.contains("verified by an earlier run (the state's head) is gone since"), "\(rechecked)")
            // The chain's line says the head is gone, not that the chain is verified through it,
            // and counts it as the head, not as a digest since the head.
            #expect(rechecked.stdout.contains("its head, verified through \(head.endTime.iso8601) by an earlier run (the state's head), is gone"), "\(rechecked)")
            #expect(!rechecked.stdout.contains("(the state's head)\n"), "\(rechecked)")
            // The summary's first line agrees with the chain lines: what a recheck verified is found.
            #expect(!(rechecked.stdout.contains("No verified digest") && rechecked.stdout.contains(", covered 20")), "\(rechecked)")
        }
    }

    @Test func followWithoutAStateIsAUsageError() throws {
        let split = try Split("follow-usage", hours: 2)
        defer { split.scratch.remove() }
        let run = try BuiltBinary.run(["records", split.trail.root, "--public-keys", split.trail.publicKeysFile, "--follow"])
        #expect(run.status == 2, "\(run)")
    }
}
