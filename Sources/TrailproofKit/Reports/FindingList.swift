/// Every finding and notice of a report as uniform rows, most severe first: the order the HTML
/// and Markdown reports present them in.
public struct FindingRow: Sendable {
    /// 0 is most severe; notices are last.
    public var severity: Severity
    /// "digest", "log-file", "gap" or "object".
    public var object: String
    /// The verdict or gap kind.
    public var verdict: String
    /// The object's `s3://` URL (or key), when it has one.
    public var location: String?
    /// The chain it belongs to, when known.
    public var chain: String?
    /// The time it concerns.
    public var span: TimeSpan?
    /// Named pieces of evidence: expected and actual SHA-256, listing digest, key, signature source.
    public var evidence: [(label: String, value: String)]
    /// What differs, in a sentence.
    public var detail: String

    /// How grave a row is, and so where it stands: what an attacker can make at will (planted
    /// objects, unproven files) comes after what shows a trail was changed, so that when a
    /// list is cut (the Markdown table) planted objects cannot push tampering or a gap out of it.
    public enum Severity: Int, Sendable, Comparable, CaseIterable {
        /// Content proven changed: a signature or hash that does not match.
        case tampered = 0
        /// Something CloudTrail delivered is gone, moved, unreadable or malformed, or an
        /// archive's manifest says what the archive does not hold.
        case missing = 1
        /// Time with no integrity coverage.
        case gap = 2
        /// Nothing can prove it either way (no key, no signature, listed by a failed digest).
        case unproven = 3
        /// Something CloudTrail did not deliver: an unexpected object, a log file no digest lists.
        case planted = 4
        /// Not a finding.
        case notice = 5

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

        /// A word for people.
        public var label: String {
            switch self {
            case .tampered: return "tampered"
            case .missing: return "missing"
            case .gap: return "gap"
            case .unproven: return "unproven"
            case .planted: return "planted"
            case .notice: return "notice"
            }
        }
    }

    /// The rows of `report`, most severe first (then by chain, time and location).
    public static func rows(of report: VerificationReport) -> [FindingRow] {
        let urls = ObjectURLs(report)
        let trust = TrustClassifier(report)
        var rows: [FindingRow] = []
        for record in report.digests where record.verdict != .valid {
            var evidence: [(String, String)] = []
            if let fingerprint = record.publicKeyFingerprint { evidence.append(("public key", fingerprint)) }
            if let source = record.signatureSource { evidence.append(("signature from", source.rawValue)) }
            if let named = record.namedKey { evidence.append(("names", named)) }
            if let referencedBy = record.referencedBy { evidence.append(("linked from", referencedBy)) }
            if let hours = record.hours { evidence.append(("hours", "\(hours)")) }
            rows.append(FindingRow(
                severity: severity(of: record.verdict), object: "digest", verdict: record.verdict.rawValue,
                location: urls.url(record.key, bucket: record.bucket, chain: record.chain), chain: record.chain, span: record.span,
                evidence: evidence, detail: record.problems.map(\.detail).joined(separator: "; ")))
        }
        for record in report.logFiles where record.verdict != .valid {
            var evidence: [(String, String)] = []
            if let expected = record.expectedSHA256 { evidence.append(("expected SHA-256", expected)) }
            if let actual = record.actualSHA256 { evidence.append(("actual SHA-256", actual)) }
            if let digest = record.digest { evidence.append(("listed by", digest)) }
            rows.append(FindingRow(
                // A log file left unjudged for want of a trust input is unproven, never planted.
                severity: !record.verdict.isFinding ? .notice : trust.missingInputDigest(of: record) != nil ? .unproven : severity(of: record.verdict),
                object: "log-file",
                verdict: record.verdict.rawValue, location: urls.url(record.key, bucket: record.bucket.isEmpty ? nil : record.bucket),
                chain: nil, span: record.time.map { TimeSpan(start: $0, end: $0) }, evidence: evidence, detail: record.detail ?? ""))
        }
        for gap in report.gaps {
            var evidence: [(String, String)] = []
            if let before = gap.digestBefore { evidence.append(("digest before", before)) }
            if let after = gap.digestAfter { evidence.append(("digest after", after)) }
            rows.append(FindingRow(
                severity: report.scope.gapsAllowed ? .notice : .gap, object: "gap", verdict: gap.kind.rawValue, location: nil,
                chain: gap.chain, span: gap.span, evidence: evidence, detail: gap.detail))
        }
        for record in report.objects {
            rows.append(FindingRow(
                severity: record.verdict == .unexpected ? .planted : .missing, object: "object", verdict: record.verdict.rawValue,
                location: urls.url(record.key, bucket: report.scope.bucket ?? report.chains.first?.bucket), chain: nil, span: nil,
                evidence: [], detail: record.detail))
        }
        return rows.enumerated().sorted { lhs, rhs in
            if lhs.element.severity != rhs.element.severity { return lhs.element.severity < rhs.element.severity }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    static func severity(of verdict: DigestVerdict) -> Severity {
        switch verdict {
        case .signatureInvalid, .hashLinkBroken, .signatureLinkBroken: return .tampered
        case .missing, .moved, .malformed: return .missing
        case .signatureUnavailable, .publicKeyNotFound, .valid: return .unproven
        }
    }

    static func severity(of verdict: LogFileVerdict) -> Severity {
        switch verdict {
        case .modified: return .tampered
        case .missing, .unreadable: return .missing
        case .unreferenced: return .planted
        case .unverified: return .unproven
        case .valid, .notYetCovered, .beforeFirstDigest: return .notice
        }
    }
}
