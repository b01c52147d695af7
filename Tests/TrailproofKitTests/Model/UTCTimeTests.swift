import Testing
@testable import TrailproofKit

@Suite struct UTCTimeTests {
    @Test func parsesCloudTrailTimesAndFormatsThemBack() throws {
        let time = try #require(UTCTime(parsing: "2026-01-08T05:21:42Z"))
        #expect(time.iso8601 == "2026-01-08T05:21:42Z")
        #expect(time.compact(withSeconds: true) == "20260108T052142Z")
        #expect(time.compact(withSeconds: false) == "20260108T0521Z")
        #expect(time.keyDatePath == "2026/01/08")
    }

    @Test func bareDateMeansMidnight() throws {
        #expect(UTCTime(parsing: "2026-01-08")?.iso8601 == "2026-01-08T00:00:00Z")
    }

    @Test func acceptsFractionsOffsetsAndCompactForms() {
        #expect(UTCTime(parsing: "2026-01-08T05:21:42.123Z")?.iso8601 == "2026-01-08T05:21:42Z")
        #expect(UTCTime(parsing: "2026-01-08T05:21:42+00:00")?.iso8601 == "2026-01-08T05:21:42Z")
        #expect(UTCTime(parsing: "20260108T052142Z")?.iso8601 == "2026-01-08T05:21:42Z")
        #expect(UTCTime(parsing: "20260108T0521Z")?.iso8601 == "2026-01-08T05:21:00Z")
    }

    @Test(arguments: ["", "2026-13-01", "2026-02-30", "2026-01-08T25:00:00Z", "2026-01-08T05:21:42+02:00", "yesterday",
                      "2026-01-08T05:21Z", "2026-01-08T05:21:42"])
    func rejectsWhatIsNotAUTCTime(_ text: String) {
        #expect(UTCTime(parsing: text) == nil)
    }

    @Test func epochAndLeapYearsRoundTrip() {
        #expect(UTCTime(secondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(UTCTime(parsing: "2024-02-29T23:59:59Z")?.secondsSinceEpoch == 1_709_251_199)
        for seconds in stride(from: Int64(0), to: 4_000_000_000, by: 86_399 * 97) {
            let time = UTCTime(secondsSinceEpoch: seconds)
            #expect(UTCTime(parsing: time.iso8601) == time)
        }
    }
}
