/// Where a CloudTrail Lake export sits: `…/CloudTrail-Lake/Query/YYYY/MM/DD/QUERY-ID/`. The folder
/// names the query and its day; CloudTrail's signature covers neither (only the result files'
/// hashes), so they bind the export to a query only as far as `QueryResultsVerifier` checks them.
public struct QueryFolder: Sendable, Equatable {
    /// The folder's own name: the QUERY-ID of CloudTrail's layout.
    public var queryID: String
    /// `YYYY/MM/DD` of the folders above it, when they are laid out as CloudTrail writes them.
    public var datePath: String?

    /// The folder at `path`: an S3 key prefix or a directory path, split on `/` as bytes.
    public init(path: String) {
        let names = path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
        queryID = names.last ?? ""
        datePath = nil
        guard names.count >= 6 else { return }
        let above = Array(names.suffix(6).prefix(5))
        let digits = { (text: String, count: Int) in text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        if above[0] == "CloudTrail-Lake", above[1] == "Query", digits(above[2], 4), digits(above[3], 2), digits(above[4], 2) {
            datePath = "\(above[2])/\(above[3])/\(above[4])"
        }
    }

    /// True when `datePath` is the UTC day of `completed`, or the day before or after it (a query
    /// running across midnight, results written just after it).
    public func dateFits(_ completed: UTCTime) -> Bool {
        guard let datePath else { return true }
        return [-86_400, 0, 86_400].contains { completed.adding(seconds: Int64($0)).keyDatePath.sameBytes(as: datePath) }
    }
}

/// Why a query export could not be checked (exit status 2).
public enum QueryResultsError: Error, Equatable, CustomStringConvertible {
    /// The query the user named is not the folder's.
    case otherQuery(named: String, folder: String, source: String)

    public var description: String { text(.plain) }

    /// What is wrong, naming the inputs as `names` does.
    public func text(_ names: InputNames) -> String {
        switch self {
        case .otherQuery(let named, let folder, let source):
            return "\(names.queryID) \(named) is not the query of \(source): its folder is named \(folder.debugDescription) (…/QUERY-ID/); point at the query's own folder"
        }
    }
}
