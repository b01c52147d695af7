/// Something a reader of a report should know that is not a finding: an assumption the run made,
/// a link it did not follow, objects it ignored. A typed value: a run's parts each find some, and
/// the report holds each once (equal values, not equal sentences); it is worded only when written,
/// with the caller's names for its inputs (`InputNames`).
public enum Notice: Sendable, Hashable {
    /// No bucket was given and the archive's manifest named it.
    case bucketFromManifest(bucket: String)
    /// No bucket was given and each chain's newest digest named its own.
    case bucketAssumed(bucket: String)
    /// The link from `digest` to `previous` was not followed: the archive's manifest says its
    /// window starts after `previous`.
    case linkNotFollowed(digest: String, previous: String)
    /// Objects outside CloudTrail's trail folders, ignored.
    case objectsOutsideTrailFolders(count: Int)
    /// Of those, how many lay under `folder`.
    case objectsIgnored(folder: String, count: Int)
    /// The trail a run was limited to (DescribeTrails' answer); `organizationAccounts` is nil
    /// for a trail of one account, empty for every member account of an organization trail.
    case trailSelected(arn: String, url: String, homeRegion: String, allRegions: Bool, organizationAccounts: [String]?)
    /// Objects of other trails, accounts or regions, ignored.
    case otherTrailObjectsIgnored(count: Int)
    /// A chain of an organization trail ends `hours` before the longest chain of another account.
    case chainEndsEarly(chain: String, end: String, hours: Int64, other: String, otherEnd: String)
    /// Unlisted log files outside the requested window, counted and not checked.
    case logFilesOutOfScope(count: Int)
    /// Day folders of the state's verified past that changed and were verified again.
    case recheck(days: [String], findings: Int)
    /// A Lake export's authentic sign file lists no result file.
    case signFileListsNoResult
    /// A Lake export's result files are not named in CloudTrail's order of the signed hashes.
    case resultNamesOutOfOrder
    /// A Lake export's sign file, not authentic, lists `count` result files, none of them read.
    case unauthenticSignFileListed(count: Int)
    /// A Lake export's query folder is not laid out as CloudTrail writes it: its date is not checked.
    case queryFolderNotLaidOut
    /// A Lake export has no readable sign file to check its folder's date (`datePath`) against.
    case queryFolderDateUnchecked(datePath: String)
    /// A notice as a report read back holds it: its sentence, worded by whoever wrote it.
    case recorded(String)

    /// The sentence, naming inputs as `names` does.
    public func text(_ names: InputNames) -> String {
        switch self {
        case .bucketFromManifest(let bucket):
            return "\(names.bucket) not given: bucket \(bucket) taken from the archive's manifest; a digest naming another bucket is reported as moved"
        case .bucketAssumed(let bucket):
            return "\(names.bucket) not given: assumed bucket \(bucket), the bucket each chain's newest digest names; a digest naming another bucket than its chain's is reported as moved"
        case .linkNotFollowed(let digest, let previous):
            return "the link from \(digest) to \(previous) is not followed: the archive's manifest says its window starts after that digest (give \(names.start) to assert where coverage must begin)"
        case .objectsOutsideTrailFolders(let count):
            return "\(count) objects outside CloudTrail's trail folders were ignored"
        case .objectsIgnored(let folder, let count):
            return "ignored \(count) objects under \(folder)"
        case .trailSelected(let arn, let url, let homeRegion, let allRegions, let accounts):
            var text = "trail \(arn) (DescribeTrails): \(url), home region \(homeRegion), \(allRegions ? "all regions" : "its home region only")"
            if let accounts {
                text += ", organization trail, " + (accounts.isEmpty ? "every member account" : "accounts " + accounts.joined(separator: ", "))
            }
            return text
        case .otherTrailObjectsIgnored(let count):
            return "\(count) objects of other trails, accounts or regions were ignored"
        case .chainEndsEarly(let chain, let end, let hours, let other, let otherEnd):
            return "chain \(chain) ends at \(end), \(hours) h before chain \(other) of the same organization trail in another account (to \(otherEnd)): the account may have left the organization, or its newest digests were deleted"
        case .logFilesOutOfScope(let count):
            return "\(CountText.of(count, "log file")) listed by no digest in scope \(count == 1 ? "lies" : "lie") outside the requested window and \(count == 1 ? "was" : "were") not checked"
        case .recheck(let days, let findings):
            return "\(names.recheck): \(days.count) day folders changed since they were verified (\(days.joined(separator: ", "))) and were verified again: \(CountText.of(findings, "finding"))"
        case .signFileListsNoResult:
            return "the sign file lists no result file (the AWS CLI refuses this; its signature over the empty list is checked)"
        case .resultNamesOutOfOrder:
            return "the result files are not named result_1, result_2, … in the order of the signed hashes (names are not covered by the signature)"
        case .unauthenticSignFileListed(let count):
            return "the sign file lists \(count) result files; as it is not authentic, none was read and the names it lists are not reported"
        case .queryFolderNotLaidOut:
            return "the folder is not laid out as …/CloudTrail-Lake/Query/YYYY/MM/DD/QUERY-ID/: its date was not checked against queryCompleteTime"
        case .queryFolderDateUnchecked(let datePath):
            return "no readable sign file: the folder's date \(datePath) was not checked against queryCompleteTime"
        case .recorded(let text):
            return text
        }
    }

    /// Where a notice stands in a report: most by their sentence, then the count of log files
    /// not checked, then what a recheck verified again (a merge of shard reports rebuilds the same list).
    private var rank: Int {
        switch self {
        case .logFilesOutOfScope: return 1
        case .recheck: return 2
        default: return 0
        }
    }

    /// `notices` once each, in a report's order (see `rank`), their sentences worded with `names`.
    static func ordered(_ notices: some Sequence<Notice>, names: InputNames) -> [Notice] {
        Array(Set(notices)).map { (notice: $0, text: ObjectKey($0.text(names))) }
            .sorted { ($0.notice.rank, $0.text) < ($1.notice.rank, $1.text) }
            .map(\.notice)
    }
}

/// Written as its sentence in the library's own words (the report writers word notices with the
/// report's `inputNames`); read back as `recorded`.
extension Notice: Codable {
    public init(from decoder: any Decoder) throws {
        self = .recorded(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text(.plain))
    }
}

extension VerificationReport {
    /// The notices' sentences, in order, worded with the report's `inputNames`.
    public var noticeTexts: [String] { notices.map { $0.text(inputNames) } }
}
