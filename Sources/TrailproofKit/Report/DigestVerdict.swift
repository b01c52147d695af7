/// The outcome for one digest file. Every case but `valid` is a finding.
public enum DigestVerdict: String, Sendable, Codable, CaseIterable {
    /// Signature verified, located where it says, links intact.
    case valid
    /// Not gzip, not JSON, or fields missing or ill-typed.
    case malformed
    /// Found at another key or bucket than the one it names.
    case moved
    /// A link (or an inferred hour) points at a digest that is absent.
    case missing
    /// No signature could be found (no metadata, no successor, no --head-signature).
    case signatureUnavailable = "signature-unavailable"
    /// No public key with the digest's fingerprint, valid when it was signed.
    case publicKeyNotFound = "public-key-not-found"
    /// The RSA signature does not verify: the digest (or its signature) was modified.
    case signatureInvalid = "signature-invalid"
    /// previousDigestHashValue differs from the SHA-256 of the previous digest.
    case hashLinkBroken = "hash-link-broken"
    /// previousDigestSignature differs from the signature that verified the previous digest.
    case signatureLinkBroken = "signature-link-broken"

    /// True when the digest's own content is proven authentic, so the log files it lists can be trusted.
    public var vouchesForLogFiles: Bool {
        switch self {
        case .valid, .hashLinkBroken, .signatureLinkBroken: return true
        default: return false
        }
    }

    /// Order of precedence when a digest has several problems: the most basic wins.
    var precedence: Int { DigestVerdict.allCases.firstIndex(of: self) ?? 0 }
}

/// The outcome for one log file. `valid` is the only verified verdict; `notYetCovered` and
/// `beforeFirstDigest` are notices (never valid, but not integrity failures).
public enum LogFileVerdict: String, Sendable, Codable, CaseIterable {
    /// Uncompressed SHA-256 matches the digest's hashValue.
    case valid
    /// Hash mismatch.
    case modified
    /// Listed by a digest but absent.
    case missing
    /// Corrupt or truncated gzip, unsafe key, or unreadable file.
    case unreadable
    /// Listed by a digest that failed verification: nothing proves what it should contain.
    case unverified
    /// Present for a covered hour but listed by no digest: planted, or delivered during a gap.
    case unreferenced
    /// Newer than the newest digest: a digest cannot have covered it yet.
    case notYetCovered = "not-yet-covered"
    /// Older than the first digest of its trail: delivered before integrity validation began.
    case beforeFirstDigest = "before-first-digest"

    /// True for verdicts that are integrity findings (exit status 1).
    public var isFinding: Bool {
        switch self {
        case .valid, .notYetCovered, .beforeFirstDigest: return false
        default: return true
        }
    }
}

/// Why a span of time has no integrity coverage.
public enum GapKind: String, Sendable, Codable {
    /// A chain restarted (previous fields null) while older digests of the trail exist.
    case chainRestart = "chain-restart"
    /// Verified coverage ends more than an hour before the requested --end.
    case uncoveredEnd = "uncovered-end"
    /// Verified coverage starts more than an hour after the requested --start.
    case uncoveredStart = "uncovered-start"
    /// A chain's digests stop more than 2 h before those of another chain of the same trail
    /// (another region of a multi-region trail): its newest digests are gone (see `ChainEndsEarly`).
    case endsEarly = "ends-early"
}
