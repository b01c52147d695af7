/// What `verify-query-results` established about one CloudTrail Lake query export.
///
/// Encoded as JSON it is the stable machine report (docs/json-report.md); fields are only ever
/// added within a schema version.
public struct QueryResultsReport: Sendable, Codable {
    /// Version of the JSON layout.
    public var schemaVersion = 1
    /// The tool and version that wrote the report.
    public var tool: VerificationReport.ToolInfo
    /// The query folder (a directory or `s3://bucket/prefix/`).
    public var source: String
    /// Where the public keys came from.
    public var publicKeySources: [String]
    /// Over AWS: the endpoints that answered, the credential source and the identity the run
    /// used (as `VerificationReport.Scope.authorities`); absent when nothing was asked of AWS.
    public var authorities: RunAuthorities?
    /// The query the folder names, and whether its date fits the sign file (absent in reports
    /// of an older trailproof).
    public var folder: FolderRecord?
    /// The verdict on the sign file.
    public var signFile: SignFileRecord
    /// Every result file listed by the sign file, in its order, then every unlisted file.
    public var files: [ResultFileRecord]
    /// Things a reader should know that are not findings (written as their sentences).
    public var notices: [Notice]
    /// Counts and the exit status.
    public var totals: Totals

    /// The verdict on `result_sign.json`.
    public struct SignFileRecord: Sendable, Codable {
        /// Its key.
        public var key: String
        /// The verdict.
        public var verdict: SignFileVerdict
        /// Why, for every verdict but valid.
        public var detail: String?
        /// Its region (whose key must have signed).
        public var region: String?
        /// queryCompleteTime.
        public var queryCompleteTime: UTCTime?
        /// publicKeyFingerprint.
        public var publicKeyFingerprint: String?
    }

    /// The query folder: which query it names, and whether its date fits `queryCompleteTime`.
    /// Neither the folder nor the query id is signed: see `QueryFolder`.
    public struct FolderRecord: Sendable, Codable {
        /// The folder's name: the QUERY-ID of CloudTrail's layout.
        public var queryID: String
        /// True when the user named the query (`--query-id`); it is then the folder's.
        public var queryIDNamed: Bool
        /// `YYYY/MM/DD` of the folders above, when laid out as CloudTrail writes them.
        public var datePath: String?
        /// The verdict.
        public var verdict: QueryFolderVerdict
        /// Why, for every verdict but consistent.
        public var detail: String?
    }

    /// The verdict on one result file.
    public struct ResultFileRecord: Sendable, Codable {
        /// Its name in the query folder.
        public var name: String
        /// Its key.
        public var key: String
        /// The verdict.
        public var verdict: ResultFileVerdict
        /// Why, for every verdict but valid.
        public var detail: String?
        /// fileHashValue from the sign file.
        public var expectedSHA256: String?
        /// SHA-256 of its stored bytes, when read.
        public var actualSHA256: String?
        /// Its stored size, when read.
        public var bytes: Int64?
    }

    /// Counts.
    public struct Totals: Sendable, Codable {
        /// Result files the sign file lists.
        public var listed = 0
        /// Listed files whose verdict is valid.
        public var valid = 0
        /// Result file records per verdict, unlisted files included.
        public var filesByVerdict: [String: Int] = [:]
        /// Integrity findings (the sign file's, every file's).
        public var findings = 0
        /// 0 verified, 1 integrity problem found.
        public var exitStatus = 0
    }
}

/// The outcome for a query's sign file. Every case but `valid` is a finding.
public enum SignFileVerdict: String, Sendable, Codable, CaseIterable {
    /// Signature verified with the key of its fingerprint, valid at queryCompleteTime.
    case valid
    /// Absent while result files are present.
    case missing
    /// Not strict JSON, fields missing or ill-typed, unsafe or duplicate file names, other algorithms.
    case malformed
    /// No key with its fingerprint valid at queryCompleteTime.
    case publicKeyNotFound = "public-key-not-found"
    /// The signature does not verify: the sign file (or a hash in it) was modified.
    case signatureInvalid = "signature-invalid"
}

/// The outcome for the query folder. Only `dateMismatch` is a finding.
public enum QueryFolderVerdict: String, Sendable, Codable, CaseIterable {
    /// Laid out as CloudTrail writes it, its date within a day of queryCompleteTime.
    case consistent
    /// Its date folder is more than a day from queryCompleteTime: an export of another day moved here?
    case dateMismatch = "date-mismatch"
    /// Not laid out as `…/CloudTrail-Lake/Query/YYYY/MM/DD/QUERY-ID/`, or no readable sign file: the date was not checked.
    case unchecked
}

/// The outcome for a result file.
public enum ResultFileVerdict: String, Sendable, Codable, CaseIterable {
    /// Its SHA-256 matches the signed sign file.
    case valid
    /// Its SHA-256 differs.
    case modified
    /// Listed but absent.
    case missing
    /// Could not be read.
    case unreadable
    /// Listed by a sign file that is not authentic: nothing proves its content.
    case unverified
    /// Present in the query folder but listed by no sign file: planted, or a sign file was edited.
    case unlisted
}
