import Foundation
import Testing
import TrailproofKit

/// One run of `aws cloudtrail validate-logs --verbose`, parsed.
struct AWSCLIValidation: CustomStringConvertible {
    /// A line about one object: `Digest file\ts3://bucket/key\tvalid` or `…\tINVALID: reason`.
    struct ObjectLine: Hashable {
        enum Kind: String { case digest = "Digest file", log = "Log file" }
        let kind: Kind
        let isBackfill: Bool
        let bucket: String
        let key: String
        /// "valid", or the text after "INVALID: ".
        let status: String
        var isValid: Bool { status == "valid" }
    }

    let run: ExternalCommand.Run
    /// The account and region the run was about.
    let account: String
    let region: String
    /// Every object line, in output order.
    let objects: [ObjectLine]
    /// "No log files were delivered by CloudTrail between A and B" lines.
    let gapLines: [String]
    /// True when it printed "No digests found".
    let foundNoDigests: Bool

    init(run: ExternalCommand.Run, account: String, region: String) {
        self.run = run
        self.account = account
        self.region = region
        var objects: [ObjectLine] = []
        var gaps: [String] = []
        for line in run.lines {
            if line.contains("No log files were delivered by CloudTrail") { gaps.append(line); continue }
            var text = Substring(line)
            let isBackfill = text.hasPrefix("(backfill) ")
            if isBackfill { text = text.dropFirst("(backfill) ".count) }
            let fields = text.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let kind = ObjectLine.Kind(rawValue: String(fields[0])), fields[1].hasPrefix("s3://") else { continue }
            let location = fields[1].dropFirst("s3://".count)
            let bucket = location.prefix { $0 != "/" }
            let key = location.dropFirst(bucket.count + 1)
            let status = fields[2].hasPrefix("INVALID: ") ? String(fields[2].dropFirst("INVALID: ".count)) : String(fields[2])
            objects.append(ObjectLine(kind: kind, isBackfill: isBackfill, bucket: String(bucket), key: String(key), status: status))
        }
        self.objects = objects
        gapLines = gaps
        foundNoDigests = run.stdout.contains("No digests found")
    }

    var description: String { "aws cloudtrail validate-logs for \(account) in \(region):\n\(run)" }

    /// Objects reported invalid.
    var invalid: [ObjectLine] { objects.filter { !$0.isValid } }
}

extension S3Trail {
    /// Runs `aws cloudtrail validate-logs` over this trail's chain of `account` in `region`,
    /// pointed at the test servers by AWS_ENDPOINT_URL_S3 / _CLOUDTRAIL / _ORGANIZATIONS.
    /// - Parameter givingBucket: pass --s3-bucket/--s3-prefix; without them the AWS CLI asks
    ///   DescribeTrails (and DescribeOrganization for an organization trail).
    func awsValidateLogs(account: String, region: String, start: UTCTime, end: UTCTime, givingBucket: Bool = true,
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> AWSCLIValidation {
        var arguments = ["aws", "cloudtrail", "validate-logs", "--trail-arn", trailARN,
                         "--start-time", start.iso8601, "--end-time", end.iso8601,
                         "--account-id", account, "--region", region, "--verbose"]
        if givingBucket {
            arguments += ["--s3-bucket", bucket]
            if !spec.keyPrefix.isEmpty { arguments += ["--s3-prefix", spec.keyPrefix] }
        }
        let run = try ExternalCommand.run(arguments, environment: awsProcessEnvironment, timeout: 120, sourceLocation: sourceLocation)
        guard run.status == 0 || run.status == 1 else { throw ExternalCommandFailed(run) }
        return AWSCLIValidation(run: run, account: account, region: region)
    }
}
