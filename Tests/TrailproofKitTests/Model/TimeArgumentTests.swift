import Testing
@testable import TrailproofKit

/// Time options read as the AWS CLI reads a timestamp argument. The expected values are what
/// botocore's `parse_timestamp` (awscli 1.45) gives for the same text.
@Suite struct TimeArgumentTests {
    static let awsCLIAgrees: [(String, Int64)] = [
        ("2024-03-04T05:00:00", 1_709_528_400),
        ("2024-03-04T05:00:00Z", 1_709_528_400),
        ("2024-03-04T05:00:00.123Z", 1_709_528_400),
        ("2024-03-04T05:00:00.999999", 1_709_528_400),
        ("2024-03-04 05:00", 1_709_528_400),
        ("2024-03-04T05:00", 1_709_528_400),
        ("2024-03-04T05:00:00+02:00", 1_709_521_200),
        ("2024-03-04T05:00:00-0530", 1_709_548_200),
        ("2024-03-04T05:00:00+00:00", 1_709_528_400),
        ("2024-03-04T05:00:00z", 1_709_528_400),
        ("20240304T050000Z", 1_709_528_400),
        ("1709528400", 1_709_528_400),
        ("1709528400.75", 1_709_528_400),
    ]

    @Test(arguments: awsCLIAgrees)
    func aTimeTheAWSCLITakesIsTheSameInstant(_ text: String, _ seconds: Int64) throws {
        for bareDate in [TimeArgument.BareDate.startOfDay, .endOfDay] {
            #expect(try TimeArgument.parse(text, bareDate: bareDate).get() == UTCTime(secondsSinceEpoch: seconds), "\(text)")
        }
    }

    @Test func aBareDateIsTheStartOfTheDayForStartAndItsLastSecondForEnd() throws {
        #expect(try TimeArgument.parse("2026-01-31", bareDate: .startOfDay).get().iso8601 == "2026-01-31T00:00:00Z")
        #expect(try TimeArgument.parse("2026-01-31", bareDate: .endOfDay).get().iso8601 == "2026-01-31T23:59:59Z")
        // Only a bare date moves: a time given to the second is that second.
        #expect(try TimeArgument.parse("2026-01-31T00:00:00Z", bareDate: .endOfDay).get().iso8601 == "2026-01-31T00:00:00Z")
    }

    static let refused: [(String, String)] = [
        ("", "is not a time"),
        ("yesterday", "is not a time"),
        ("2026-13-45", "is not a time"),
        ("2026-02-30T00:00:00Z", "is not a time"),
        ("2026-01-08T24:00:00Z", "is not a time"),
        ("2026-01-08T05:00:00+24:00", "is not a time"),
        ("2026-01-08T05:00:00Z ", "is not a time"),
        ("2026-01-08T05:00:00.Z", "is not a time"),
        ("1970-01-01T00:30:00+01:00", "is not a time"),
        ("-5", "negative"),
        ("-1709528400.5", "negative"),
        ("253402300800", "too large"),
        ("99999999999999999999999999", "too large"),
        ("20260108", "ambiguous"),
        ("1.", "is not a time"),
        (String(repeating: "1", count: 100), "is not a time"),
    ]

    @Test(arguments: refused)
    func aHostileOrUnreadableTimeIsRefusedWithAReason(_ text: String, _ reason: String) {
        switch TimeArgument.parse(text, bareDate: .endOfDay) {
        case .success(let time): Issue.record("\(text.debugDescription) read as \(time)")
        case .failure(let refusal): #expect(refusal.description.contains(reason), "\(refusal)")
        }
    }

    @Test func theLatestTimeAndEpochZeroAreAccepted() throws {
        #expect(try TimeArgument.parse("253402300799", bareDate: .startOfDay).get().iso8601 == "9999-12-31T23:59:59Z")
        #expect(try TimeArgument.parse("0", bareDate: .startOfDay).get().secondsSinceEpoch == 0)
    }
}
