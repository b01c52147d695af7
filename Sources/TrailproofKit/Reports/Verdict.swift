/// What a run found, in one sentence made from its findings' classes ("2 log files modified,
/// 1 digest missing"), with what the run lacked to verify set apart ("not verifiable: no public
/// key for us-east-1 (…)"). The text `Result:` line, the HTML banner, the Markdown heading, the
/// JUnit report and the JSON report's `verdict` all say it from here.
public struct Verdict: Sendable, Codable, Equatable {
    /// The outcome of the run.
    public enum Outcome: String, Sendable, Codable {
        /// Everything in scope verified (exit 0).
        case verified
        /// Something was modified, deleted, moved, planted or left uncovered (exit 1).
        case integrityProblems = "integrity-problems"
        /// Nothing was found wrong in what could be checked, but some of it could not be,
        /// for want of a trust input (`MissingTrustInput`). Exit 1: never verified.
        case notVerifiable = "not-verifiable"

        /// In capitals, for the `Result:` line and the Markdown heading.
        public var headline: String {
            switch self {
            case .verified: return "VERIFIED"
            case .integrityProblems: return "INTEGRITY PROBLEMS FOUND"
            case .notVerifiable: return "NOT VERIFIABLE"
            }
        }
    }

    /// How many objects of one kind got one verdict: a class of finding.
    public struct FindingClass: Sendable, Codable, Equatable {
        /// "digest", "log-file", "gap" or "object".
        public var object: String
        /// The verdict (or gap kind).
        public var verdict: String
        /// How many.
        public var count: Int
        /// "2 log files modified".
        public var text: String
    }

    /// The outcome.
    public var outcome: Outcome
    /// The findings that show what was found, most severe first (`FindingRow.Severity`).
    public var findings: [FindingClass]
    /// What the run lacked to verify, one entry per missing input (per region for keys).
    public var notVerifiable: [MissingTrustInput]
    /// Findings counted for the exit status.
    public var findingCount: Int
    /// The counts every format shows.
    public var counts: ReportCounts

    /// The verdict on `report`.
    public init(_ report: VerificationReport) {
        let trust = TrustClassifier(report)
        counts = ReportCounts(report, trust: trust)
        findingCount = report.totals.findings

        // Counted by class, most severe first, each class in the order its verdicts are declared.
        var classes: [(severity: FindingRow.Severity, order: Int, object: String, verdict: String, count: Int)] = []
        func add(_ severity: FindingRow.Severity, _ object: String, _ verdict: String, order: Int) {
            if let index = classes.firstIndex(where: { $0.object.utf8.elementsEqual(object.utf8) && $0.verdict.utf8.elementsEqual(verdict.utf8) }) {
                classes[index].count += 1
            } else {
                classes.append((severity, order, object, verdict, 1))
            }
        }
        struct Group { var reason: MissingTrustInput.Reason; var region: String?; var digests = 0; var logFiles = 0; var span: TimeSpan? }
        var groups: [Group] = []
        func group(for record: DigestRecord, reason: MissingTrustInput.Reason) -> Int {
            let region = reason == .noPublicKey ? trust.location(ofChain: record.chain)?.region : nil
            if let index = groups.firstIndex(where: { $0.reason == reason && ($0.region ?? "").utf8.elementsEqual((region ?? "").utf8) }) { return index }
            groups.append(Group(reason: reason, region: region))
            return groups.count - 1
        }
        for record in report.digests where record.verdict != .valid {
            if let reason = trust.missingInput(record) {
                let index = group(for: record, reason: reason)
                groups[index].digests += 1
                if let span = record.span {
                    groups[index].span = groups[index].span.map { TimeSpan(start: min($0.start, span.start), end: max($0.end, span.end)) } ?? span
                }
            } else {
                add(FindingRow.severity(of: record.verdict), "digest", record.verdict.rawValue, order: record.verdict.precedence)
            }
        }
        for record in report.logFiles where record.verdict.isFinding {
            if let digest = trust.missingInputDigest(of: record), let reason = trust.missingInput(digest) {
                groups[group(for: digest, reason: reason)].logFiles += 1
            } else {
                add(FindingRow.severity(of: record.verdict), "log-file", record.verdict.rawValue,
                    order: LogFileVerdict.allCases.firstIndex(of: record.verdict) ?? 0)
            }
        }
        if !report.scope.gapsAllowed {
            for gap in report.gaps { add(.gap, "gap", gap.kind.rawValue, order: 0) }
        }
        for object in report.objects {
            add(object.verdict == .unexpected ? .planted : .missing, "object", object.verdict.rawValue,
                order: ObjectVerdict.allCases.firstIndex(of: object.verdict) ?? 0)
        }
        let objectOrder = ["digest", "log-file", "gap", "object"]
        findings = classes.enumerated().sorted { lhs, rhs in
            let (a, b) = (lhs.element, rhs.element)
            if a.severity != b.severity { return a.severity < b.severity }
            let (oa, ob) = (objectOrder.firstIndex { $0.utf8.elementsEqual(a.object.utf8) } ?? 9, objectOrder.firstIndex { $0.utf8.elementsEqual(b.object.utf8) } ?? 9)
            if oa != ob { return oa < ob }
            if a.order != b.order { return a.order < b.order }
            return lhs.offset < rhs.offset
        }.map { FindingClass(object: $0.element.object, verdict: $0.element.verdict, count: $0.element.count,
                             text: Self.classText(object: $0.element.object, verdict: $0.element.verdict, count: $0.element.count)) }
        notVerifiable = groups.sorted { ($0.reason.rawValue, ObjectKey($0.region ?? "")) < ($1.reason.rawValue, ObjectKey($1.region ?? "")) }.map {
            MissingTrustInput(reason: $0.reason, region: $0.region, digests: $0.digests, logFiles: $0.logFiles, span: $0.span,
                              text: MissingTrustInput.text(reason: $0.reason, region: $0.region, digests: $0.digests, logFiles: $0.logFiles, span: $0.span,
                                                          names: report.inputNames))
        }
        if report.totals.exitStatus == 0 {
            outcome = .verified
        } else {
            outcome = !findings.isEmpty || notVerifiable.isEmpty ? .integrityProblems : .notVerifiable
        }
    }

    /// "2 log files modified", "1 digest missing", "1 gap chain-restart".
    static func classText(object: String, verdict: String, count: Int) -> String {
        let noun = object.utf8.elementsEqual("log-file".utf8) ? "log file" : object
        return "\(count) \(noun)\(count == 1 ? "" : "s") \(verdict)"
    }

    /// The findings' classes: "2 log files modified, 1 digest missing".
    public var findingsText: String { findings.map(\.text).joined(separator: ", ") }

    /// What could not be verified and the fix: "no public key for us-east-1 (…); …".
    public var notVerifiableText: String { notVerifiable.map(\.text).joined(separator: "; ") }

    /// "VERIFIED", "INTEGRITY PROBLEMS FOUND (3)" or "NOT VERIFIABLE (75)".
    public var headlineText: String { outcome == .verified ? outcome.headline : "\(outcome.headline) (\(findingCount))" }

    /// What was found, class by class, then what could not be verified with its fix:
    /// "2 log files modified, 1 digest missing; not verifiable: no public key for us-east-1 (…)".
    /// Empty when verified.
    public var detailText: String {
        switch outcome {
        case .verified: return ""
        case .integrityProblems:
            return ([findingsText] + (notVerifiable.isEmpty ? [] : ["not verifiable: " + notVerifiableText])).filter { !$0.isEmpty }.joined(separator: "; ")
        case .notVerifiable: return notVerifiableText
        }
    }

    /// "INTEGRITY PROBLEMS FOUND (3): 2 log files modified, 1 digest missing", or "VERIFIED".
    public var resultText: String { detailText.isEmpty ? headlineText : headlineText + ": " + detailText }

    /// The text report's last line.
    public var resultLine: String { "Result: " + resultText }

    /// The verdict in words a non-specialist understands: the HTML banner and the Markdown summary.
    public func sentence(coveredSpan: TimeSpan?) -> String {
        switch outcome {
        case .verified:
            let span = coveredSpan.map { " from \($0.start.iso8601) to \($0.end.iso8601)" } ?? ""
            return "Verified: every CloudTrail digest and log file in scope is exactly what CloudTrail delivered, and CloudTrail's signatures vouch for them\(span)."
        case .integrityProblems:
            var text = "Not verified: " + (findings.isEmpty ? "\(findingCount) integrity problems" : findingsText) + "."
            if !notVerifiable.isEmpty { text += " Could not be verified, for want of a trust input (not a sign of tampering): " + notVerifiableText + "." }
            return text + " The findings below give the evidence."
        case .notVerifiable:
            return "Not verifiable: " + notVerifiableText + ". Nothing that could be checked was found modified, missing or planted, "
                + "but what these inputs would prove stays unproven: this is not a verification."
        }
    }
}
