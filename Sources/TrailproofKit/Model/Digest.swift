/// A parsed CloudTrail digest file.
public struct Digest: Sendable {
    /// awsAccountId.
    public var accountID: String
    /// digestStartTime.
    public var startTime: UTCTime
    /// digestEndTime, parsed.
    public var endTime: UTCTime
    /// digestEndTime exactly as written: it is part of the signed string.
    public var endTimeText: String
    /// digestS3Bucket: the bucket the digest says it was delivered to.
    public var bucket: String
    /// digestS3Object: the key the digest says it was delivered to.
    public var object: String
    /// digestPublicKeyFingerprint (lower-cased hex MD5 of the public key DER).
    public var publicKeyFingerprint: String
    /// digestSignatureAlgorithm.
    public var signatureAlgorithm: String
    /// The link to the previous digest, or nil for the first digest of a chain.
    public var previous: PreviousDigestLink?
    /// The log files the digest covers (empty when they were not parsed: see `logFileCount`).
    public var logFiles: [LogFileEntry]
    /// The number of entries in the digest's logFiles array, parsed or not.
    public var logFileCount: Int

    /// Creates a digest from its fields.
    public init(accountID: String, startTime: UTCTime, endTime: UTCTime, endTimeText: String, bucket: String, object: String,
                publicKeyFingerprint: String, signatureAlgorithm: String, previous: PreviousDigestLink?, logFiles: [LogFileEntry]) {
        self.accountID = accountID
        self.startTime = startTime
        self.endTime = endTime
        self.endTimeText = endTimeText
        self.bucket = bucket
        self.object = object
        self.publicKeyFingerprint = publicKeyFingerprint
        self.signatureAlgorithm = signatureAlgorithm
        self.previous = previous
        self.logFiles = logFiles
        self.logFileCount = logFiles.count
    }

    /// The span the digest covers.
    public var span: TimeSpan { TimeSpan(start: startTime, end: endTime) }
}

/// The previous* fields of a digest.
public struct PreviousDigestLink: Sendable, Equatable {
    /// previousDigestS3Bucket.
    public var bucket: String
    /// previousDigestS3Object.
    public var object: String
    /// previousDigestHashValue: hex SHA-256 of the previous digest's uncompressed bytes.
    public var hashValue: String
    /// previousDigestHashAlgorithm.
    public var hashAlgorithm: String
    /// previousDigestSignature: hex signature of the previous digest.
    public var signature: String

    /// Creates a link.
    public init(bucket: String, object: String, hashValue: String, hashAlgorithm: String, signature: String) {
        self.bucket = bucket
        self.object = object
        self.hashValue = hashValue
        self.hashAlgorithm = hashAlgorithm
        self.signature = signature
    }
}

/// One entry of a digest's logFiles array.
public struct LogFileEntry: Sendable, Equatable {
    /// s3Bucket.
    public var bucket: String
    /// s3Object.
    public var object: String
    /// hashValue: hex SHA-256 of the log file's uncompressed bytes.
    public var hashValue: String
    /// hashAlgorithm.
    public var hashAlgorithm: String
    // oldestEventTime and newestEventTime are not kept: nothing is decided by them (a log file
    // is placed by its name and by the digest that lists it), and reading them cost two strings
    // and two time parses per entry. They are still validated as JSON.

    /// Creates an entry.
    public init(bucket: String, object: String, hashValue: String, hashAlgorithm: String) {
        self.bucket = bucket
        self.object = object
        self.hashValue = hashValue
        self.hashAlgorithm = hashAlgorithm
    }
}
