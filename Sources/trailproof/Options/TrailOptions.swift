import ArgumentParser
import TrailproofKit

/// `--trail-arn` and `--account-id`: one trail, as `aws cloudtrail validate-logs` takes it.
struct TrailOptions: ParsableArguments {
    @Option(name: .customLong("trail-arn"), help: ArgumentHelp(
        "Verify only this trail: DescribeTrails in the ARN's region gives its bucket, prefix, home region and regions.",
        valueName: "arn"))
    var trailARN: String?

    @Option(name: .customLong("account-id"), help: ArgumentHelp(
        "With --trail-arn of an organization trail: only this member account (repeatable).", valueName: "id"))
    var accountIDs: [String] = []

    func validate() throws {
        if let trailARN, TrailARN(trailARN) == nil {
            throw ValidationError("--trail-arn \(trailARN) is not a trail ARN like arn:aws:cloudtrail:us-east-1:111122223333:trail/NAME")
        }
        if !accountIDs.isEmpty && trailARN == nil { throw ValidationError("--account-id goes with --trail-arn") }
        for account in accountIDs where !(account.count == 12 && account.allSatisfy(\.isNumber)) {
            throw ValidationError("--account-id \(account) is not a 12-digit account id")
        }
    }

    /// The trail selected, looked up with DescribeTrails; nil without --trail-arn.
    func selection(http: @autoclosure () throws -> AWSHTTPClient) throws -> TrailSelection? {
        guard let text = trailARN, let arn = TrailARN(text) else { return nil }
        let trail = try CloudTrailTrails(http: try http()).describe(arn)
        return TrailSelection(trail: trail, accounts: Set(accountIDs))
    }
}
