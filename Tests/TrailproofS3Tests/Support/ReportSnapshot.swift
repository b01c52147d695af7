import TrailproofKit

/// Everything a report decided, as comparable lines: one per digest, log file and gap, and the
/// totals. Two runs over the same trail (a directory and its S3 bucket) must give equal snapshots.
/// Where a signature came from differs by store by design (a metadata file beside the digest
/// versus S3 metadata): both count as "stored".
struct ReportSnapshot: Equatable {
    var digests: [String]
    var logFiles: [String]
    var gaps: [String]
    var totals: [String]

    init(_ report: VerificationReport) {
        digests = report.digests.map { record in
            let source: String
            switch record.signatureSource {
            case .metadataFile?, .s3Metadata?, .extendedAttribute?: source = "stored"
            case let other?: source = other.rawValue
            case nil: source = "-"
            }
            return [record.key ?? "(inferred)", record.bucket ?? "-", record.chain, record.verdict.rawValue,
                    record.problems.map(\.kind.rawValue).joined(separator: "+"), source, record.span?.text ?? "-",
                    record.namedKey ?? "-", record.referencedBy ?? "-", "\(record.inferred)", "\(record.logFileCount)",
                    record.publicKeyFingerprint ?? "-"].joined(separator: " | ")
        }
        logFiles = report.logFiles.map { record in
            [record.key, record.bucket, record.verdict.rawValue, record.digest ?? "-", record.expectedSHA256 ?? "-",
             record.actualSHA256 ?? "-", record.time?.iso8601 ?? "-"].joined(separator: " | ")
        }
        gaps = report.gaps.map { [$0.chain, $0.kind.rawValue, $0.span.text, $0.digestBefore ?? "-", $0.digestAfter ?? "-"].joined(separator: " | ") }
        let totals = report.totals
        self.totals = [
            "chains \(totals.chains)", "digests \(totals.digests)", "valid digests \(totals.digestsValid)",
            "digests by verdict \(totals.digestsByVerdict.sorted { $0.key < $1.key })",
            "log files \(totals.logFiles)", "valid log files \(totals.logFilesValid)",
            "log files by verdict \(totals.logFilesByVerdict.sorted { $0.key < $1.key })",
            "bytes hashed \(totals.logFileBytesHashed)", "gaps \(totals.gaps)", "findings \(totals.findings)",
            "covered \(totals.coveredSpan?.text ?? "-")", "exit \(totals.exitStatus)",
        ]
    }
}
