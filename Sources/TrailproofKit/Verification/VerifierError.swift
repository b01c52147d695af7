/// Why a run could not verify anything (operational errors, exit status 2).
public enum VerifierError: Error, Sendable, CustomStringConvertible {
    /// The store holds no digest file at all.
    case noDigests(source: String, objects: Int)

    public var description: String {
        switch self {
        case .noDigests(let source, let objects):
            return "no CloudTrail digest files under \(source) (\(objects) objects looked at): expected [prefix/]AWSLogs/[o-id/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/…json.gz; is this the bucket's root, and was log file validation on?"
        }
    }
}
