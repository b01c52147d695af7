import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Every entry under ROOT is accounted for, whatever its name or kind, and no odd entry stops the
/// verification of the rest: a name that is not UTF-8, a link out of the root or to nowhere, a
/// FIFO, a very long or backslashed name, an empty folder no key could name.
@Suite struct OddEntryTests {
    /// Creates `bytes` (a path relative to `root`, any bytes) as a file, folder or FIFO.
    enum Kind { case file, folder, fifo }

    static func create(_ kind: Kind, at bytes: [UInt8], under root: String, contents: [UInt8] = Array("planted".utf8)) throws {
        let path = Array(root.utf8) + [UInt8(ascii: "/")] + bytes
        let status = (path + [0]).withUnsafeBufferPointer { buffer -> Int32 in
            buffer.withMemoryRebound(to: CChar.self) { name in
                switch kind {
                case .folder: return mkdir(name.baseAddress!, 0o755)
                case .fifo: return mkfifo(name.baseAddress!, 0o644)
                case .file:
                    let descriptor = open(name.baseAddress!, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
                    guard descriptor >= 0 else { return -1 }
                    _ = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    return close(descriptor)
                }
            }
        }
        guard status == 0 else { throw NativeError(.system, "create \(bytes)", detail: String(cString: strerror(errno))) }
    }

    /// The findings of a report, by the exact bytes of the names they give.
    static func namedFindings(_ report: VerificationReport) -> Set<[UInt8]> {
        Set(report.logFiles.filter { $0.verdict.isFinding }.map { Array($0.key.utf8) }
            + report.objects.map { Array($0.key.utf8) }
            + report.digests.filter { $0.verdict != .valid }.compactMap { $0.key.map { Array($0.utf8) } })
    }

    @Test(arguments: Array(UInt64(1)...UInt64(6)))
    func everyOddEntryIsANamedFindingAndTheRestIsStillVerified(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let scenario = try TrailScenario("odd-\(seed)") { spec in
            spec.seed = seed
            spec.hours = 4
            spec.keyPrefix = random.pick(["", "ct", "a/b"])
            spec.regions = Array(["us-east-1", "eu-west-2"].prefix(Int.random(in: 1...2, using: &random)))
        }
        defer { scenario.scratch.remove() }
        let trail = scenario.trail
        let listed = trail.logFiles.filter { $0.digestKey != nil }
        let log = try #require(listed.randomElement(using: &random))
        let folder = String(log.key[..<(log.key.lastIndex(of: "/") ?? log.key.startIndex)])
        let outside = scenario.scratch.path + "/outside"
        try LocalFile.makeDirectories(outside + "/2026/01/09")
        try LocalFile.write(Array("secret".utf8), to: outside + "/secret.json.gz")
        let invalid: [UInt8] = [0xFF, 0xFE, UInt8(ascii: "x"), 0xC3]

        // name bytes (relative to the root) → created as
        var expected: [[UInt8]] = []
        func plant(_ kind: Kind, _ name: [UInt8], expecting key: String? = nil) throws {
            try Self.create(kind, at: name, under: trail.root)
            expected.append(Array((key ?? String(decoding: name, as: UTF8.self)).utf8))
        }
        // A log-named file whose name is not UTF-8, in the log file's own folder.
        let badLog = Array(folder.utf8) + [UInt8(ascii: "/")] + invalid + Array(".json.gz".utf8)
        try plant(.file, badLog, expecting: ObjectKey.text(fromBytes: badLog))
        // An empty folder with a name that is not UTF-8, at the root (it used to end the run).
        try plant(.folder, invalid, expecting: ObjectKey.text(fromBytes: invalid))
        // A FIFO at a log-file key no digest lists (same minute, another unique part).
        let fifoKey = log.key.replacingOccurrences(of: ".json.gz", with: "").dropLast(16) + "FIFO0000FIFO0000.json.gz"
        try plant(.fifo, Array(fifoKey.utf8))
        // A very long name and one with a backslash, in a trail folder.
        try plant(.file, Array((folder + "/" + String(repeating: "L", count: 250)).utf8))
        try plant(.file, Array((folder + "/back\\slash.json.gz").utf8))
        // A log-named link out of the root, a dangling one, and a date folder linked out of the root.
        let linkKey = String(fifoKey.replacingOccurrences(of: "FIFO0000FIFO0000", with: "LINK0000LINK0000"))
        try FileManager.default.createSymbolicLink(atPath: trail.path(of: linkKey), withDestinationPath: outside + "/secret.json.gz")
        expected.append(Array(linkKey.utf8))
        let danglingKey = String(fifoKey.replacingOccurrences(of: "FIFO0000FIFO0000", with: "GONE0000GONE0000"))
        try FileManager.default.createSymbolicLink(atPath: trail.path(of: danglingKey), withDestinationPath: trail.root + "/nothing-here")
        expected.append(Array(danglingKey.utf8))
        let dateFolders = folder.split(separator: "/").dropLast(3).joined(separator: "/")
        let linkedDay = dateFolders + "/2027/01/09"
        try LocalFile.makeDirectories(trail.path(of: dateFolders + "/2027/01"))
        try FileManager.default.createSymbolicLink(atPath: trail.path(of: linkedDay), withDestinationPath: outside + "/2026/01/09")
        expected.append(Array(linkedDay.utf8))

        let report = try scenario.verify { $0.listEveryValidRecord() }
        let named = Self.namedFindings(report)
        for key in expected {
            #expect(named.contains(key), "\(String(decoding: key, as: UTF8.self).debugDescription) is named")
        }
        #expect(report.totals.exitStatus == 1)
        let valid = Set(report.logFiles.filter { $0.verdict == .valid }.map { Array($0.key.utf8) })
        #expect(Set(listed.map { Array($0.key.utf8) }).isSubset(of: valid), "every genuine log file is still verified")
        #expect(!report.objects.isEmpty)
        #expect(report.objects.allSatisfy { !$0.key.contains("secret") }, "nothing outside the root is read or named")
    }

    @Test func anEmptyFolderWithANameThatIsNotUTF8DoesNotStopTheRun() throws {
        let scenario = try TrailScenario("odd-folder") { $0.hours = 3 }
        defer { scenario.scratch.remove() }
        try Self.create(.folder, at: [0x80, 0x81], under: scenario.trail.root + "/AWSLogs")
        let report = try scenario.verify()
        #expect(report.totals.exitStatus == 1)
        #expect(Self.namedFindings(report).contains(Array(ObjectKey.text(fromBytes: Array("AWSLogs/".utf8) + [0x80, 0x81]).utf8)))
        #expect(report.totals.logFilesValid == scenario.trail.logFiles.filter { $0.digestKey != nil }.count)
    }
}
