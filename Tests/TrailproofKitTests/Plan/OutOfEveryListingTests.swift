import Testing
@testable import TrailproofKit

/// What a recheck reports because no run with the state lists it and no day fingerprint holds
/// it (`DayFingerprints.outOfEveryListing`): objects in a trail's date folder before the day
/// runs list from, judged by the rules a run judges keys by.
@Suite struct OutOfEveryListingTests {
    static let location = TrailLocation(keyPrefix: "", organizationID: nil, accountID: "111122223333", region: "us-east-1")
    /// The head ends 2026-01-10T06:23:30Z: runs list from the date folder 2026/01/10.
    static let heads: [ObjectKey: TrailState.Head] = [
        ObjectKey("111122223333/us-east-1/management-events@us-east-1"): TrailState.Head(
            key: digest(folder: "2026/01/10", time: "20260110T062330Z"), endTime: UTCTime(parsing: "2026-01-10T06:23:30Z")!,
            sha256: String(repeating: "a", count: 64), signature: "0f", location: location),
    ]

    static func digest(prefix: String = "", folder: String, time: String, trail: String = "management-events") -> String {
        "\(prefix)AWSLogs/111122223333/CloudTrail-Digest/us-east-1/\(folder)/111122223333_CloudTrail-Digest_us-east-1_\(trail)_us-east-1_\(time).json.gz"
    }

    static func logFile(prefix: String = "", folder: String, minute: String) -> String {
        "\(prefix)AWSLogs/111122223333/CloudTrail/us-east-1/\(folder)/111122223333_CloudTrail_us-east-1_\(minute)_AbCdEfGhIjKlMnOp.json.gz"
    }

    static func flagged(_ keys: [String], selection: TrailSelection? = nil) -> [String] {
        DayFingerprints.outOfEveryListing(keys.map { ListedObject(key: $0, size: 1, tag: "t") }, heads: heads, selection: selection).map(\.key)
    }

    @Test func whatAnOldFolderHoldsThatNoFingerprintDoesIsFlagged() {
        let flaggedKeys = [
            // A digest of a new prefix (no head) named on the listing's first day, in an older folder.
            Self.digest(prefix: "copy/", folder: "2026/01/08", time: "20260110T052330Z"),
            // Its sidecar, with it.
            Self.digest(prefix: "copy/", folder: "2026/01/08", time: "20260110T052330Z") + ".metadata.json",
            // A digest of the verified chain named after its head, in an older folder.
            Self.digest(folder: "2026/01/09", time: "20260110T072330Z"),
            // What CloudTrail never writes in an old folder: a stray name, a folder marker.
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/notes.txt",
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/",
            // A name that is not UTF-8 (in the lossless form a listing gives it).
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/" + ObjectKey.text(fromBytes: [0x6E, 0xFF, 0x2E, 0x67, 0x7A]),
            // A log file's name dated after its folder: no log file (the parser wants the folder's
            // date), so a stray name in a trail folder, as a run calls it.
            Self.logFile(folder: "2026/01/08", minute: "20260110T0700Z"),
        ]
        let quietKeys = [
            // Named within the verified past: its day's fingerprint holds it.
            Self.digest(folder: "2026/01/09", time: "20260110T052330Z"),
            Self.logFile(folder: "2026/01/08", minute: "20260108T0500Z"),
            // In a folder runs list.
            Self.digest(prefix: "copy/", folder: "2026/01/10", time: "20260111T052330Z"),
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/10/notes.txt",
            // Not in a trail's date folder at all, or in another service's.
            "AWSLogs/111122223333/CloudTrail/us-east-1/notes.txt",
            "AWSLogs/111122223333/Config/us-east-1/2026/01/08/config.json.gz",
            "readme.txt",
        ]
        let flagged = Self.flagged(flaggedKeys + quietKeys)
        #expect(flagged.map { ObjectKey($0) } == flaggedKeys.map { ObjectKey($0) })
    }

    /// Byte-wise: a folder that only looks like a date or a trail folder to a canonical-equivalence
    /// comparison is not one, and a name that differs only so is its own object.
    @Test func foldersAndNamesAreComparedAsBytes() {
        let lookalike = "AWSLogs/111122223333/CloudTra\u{0131}l/us-east-1/2026/01/08/notes.txt"  // dotless i
        let composed = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/caf\u{E9}.txt"
        let decomposed = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/cafe\u{301}.txt"
        let flagged = Self.flagged([lookalike, composed, decomposed])
        #expect(!flagged.contains { $0.utf8.elementsEqual(lookalike.utf8) })
        #expect(flagged.filter { $0.utf8.elementsEqual(composed.utf8) }.count == 1)
        #expect(flagged.filter { $0.utf8.elementsEqual(decomposed.utf8) }.count == 1)
    }

    /// With a trail selected, another trail's objects are not this run's to report, as a run
    /// would not report them; the selected trail's still are.
    @Test func anotherTrailsObjectsAreNotTheSelectedTrails() throws {
        let arn = try #require(TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"))
        let selected = TrailSelection(trail: TrailDescription(arn: arn, name: "management-events", bucket: "b", keyPrefix: "", homeRegion: "us-east-1",
                                                              isMultiRegion: true, isOrganizationTrail: false))
        let other = Self.digest(folder: "2026/01/08", time: "20260110T072330Z", trail: "other-trail")
        let own = Self.digest(folder: "2026/01/08", time: "20260110T072330Z")
        let elsewhere = "other-prefix/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/notes.txt"
        #expect(Self.flagged([other, own, elsewhere]).map { ObjectKey($0) } == [other, own, elsewhere].map { ObjectKey($0) })
        #expect(Self.flagged([other, own, elsewhere], selection: selected).map { ObjectKey($0) } == [ObjectKey(own)])
    }
}
