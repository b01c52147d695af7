/// The outcome for an object that is neither a digest nor a log file but says something about
/// the trail's integrity. Every case is a finding.
public enum ObjectVerdict: String, Sendable, Codable, CaseIterable {
    /// In a `CloudTrail/` or `CloudTrail-Digest/` folder but not named as CloudTrail names its
    /// objects (CloudTrail writes nothing else there), or a signature sidecar with no digest.
    case unexpected
    /// An archive's manifest (or saved key file) that does not match what the archive holds.
    case manifestMismatch = "manifest-mismatch"
}

/// A finding about an object other than a digest or log file.
public struct ObjectRecord: Sendable, Codable, Equatable {
    /// The object key.
    public var key: String
    /// The verdict.
    public var verdict: ObjectVerdict
    /// What is wrong.
    public var detail: String

    /// Creates a record.
    public init(key: String, verdict: ObjectVerdict, detail: String) {
        self.key = key
        self.verdict = verdict
        self.detail = detail
    }

    /// The same object (by its key's bytes), verdict and detail.
    public static func == (lhs: ObjectRecord, rhs: ObjectRecord) -> Bool {
        lhs.key.sameBytes(as: rhs.key) && lhs.verdict == rhs.verdict && lhs.detail.sameBytes(as: rhs.detail)
    }
}
