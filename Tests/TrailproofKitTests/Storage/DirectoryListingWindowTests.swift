import Testing
@testable import TrailproofKit
import TrailproofNative

/// An incremental run lists a directory from its oldest head's day on, as start-after does on S3.
@Suite struct DirectoryListingWindowTests {
    @Test(arguments: [
        ("AWSLogs/1/CloudTrail/us-east-1/2026/", "2026/01/09", false),
        ("AWSLogs/1/CloudTrail/us-east-1/2025/", "2026/01/09", true),
        ("AWSLogs/1/CloudTrail/us-east-1/2026/01/", "2026/01/09", false),
        ("AWSLogs/1/CloudTrail-Digest/us-east-1/2025/12/", "2026/01/09", true),
        ("AWSLogs/1/CloudTrail/us-east-1/2026/01/08/", "2026/01/09", true),
        ("AWSLogs/1/CloudTrail/us-east-1/2026/01/09/", "2026/01/09", false),
        ("AWSLogs/o-a/1/CloudTrail/eu-west-2/2026/01/10/", "2026/01/09", false),
        // Not date folders: never skipped (they are reported as unexpected objects).
        ("AWSLogs/1/CloudTrail/", "2026/01/09", false),
        ("AWSLogs/1/CloudTrail/us-east-1/", "2026/01/09", false),
        ("AWSLogs/1/CloudTrail/us-east-1/20x5/", "2026/01/09", false),
        ("AWSLogs/1/CloudTrail/us-east-1/2025/1/", "2026/01/09", false),
        ("AWSLogs/1/CloudTrail/us-east-1/2025/01/01/extra/", "2026/01/09", false),
        ("CloudTrail/", "2026/01/09", false),
        ("/", "2026/01/09", false),
        ("other/2025/", "2026/01/09", false),
    ])
    func dateFoldersBeforeTheFloorAreSkipped(_ key: String, _ floor: String, _ skipped: Bool) {
        #expect(DirectoryStore.isDateFolder(key, before: floor) == skipped)
    }

    @Test func aWindowedListingHoldsEveryKeyFromTheDayOnAndListObjectsHoldsAll() throws {
        let scenario = try TrailScenario("listing-window") { $0.hours = 72 }
        defer { scenario.scratch.remove() }
        var store = try scenario.store
        let all = try store.listKeys()
        let day = UTCTime(secondsSinceEpoch: (scenario.digests[30].endTime.secondsSinceEpoch / 86_400) * 86_400)
        store.listFrom = day
        let windowed = try store.listKeys()
        let expected = all.filter { key in
            guard let date = key.firstMatch(of: /\/(\d{4})\/(\d{2})\/(\d{2})\//) else { return true }
            return "\(date.1)/\(date.2)/\(date.3)" >= day.keyDatePath
        }
        #expect(Set(windowed) == Set(expected))
        #expect(windowed.count < all.count)
        #expect(try store.listObjects().count == all.count)
    }
}
