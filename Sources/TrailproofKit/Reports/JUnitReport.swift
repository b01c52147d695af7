/// JUnit XML for CI dashboards (Jenkins, GitLab, GitHub test reporters): one testsuite per
/// chain holding the chain's objects, one testcase per object and at most one `<failure>` in
/// each (Jenkins and GitLab show a testcase's first failure only): a testcase per digest (named
/// by its hour span), per log file with a finding or notice (those its digests list, and those no
/// digest lists delivered in the chain's own location) and per gap, and per object found in the
/// chain's folders. A notice is `<skipped>`. What belongs to no chain forms a last suite of its
/// own. Every suite carries the run's verdict sentence as its `verdict` property.
public enum JUnitReport {
    /// Name of the suite of objects that belong to no chain of the report.
    public static let outsideSuiteName = "objects outside any chain"

    /// Renders `report`; `run` gives the timestamp and host name.
    public static func render(_ report: VerificationReport, run: RunRecord) -> [UInt8] {
        let verdict = Verdict(report)
        let trust = TrustClassifier(report)
        let urls = ObjectURLs(report)
        var suites = report.chains.map { Suite(name: $0.id) }
        var other = Suite(name: outsideSuiteName)
        var chainIndex: [ObjectKey: Int] = [:]
        for (index, chain) in report.chains.enumerated() { chainIndex[ObjectKey(chain.id)] = index }
        // The regular chain of each location: where log files no digest lists, and objects in its folders, belong.
        var chainOfLocation: [TrailLocation: Int] = [:]
        for (index, chain) in report.chains.enumerated() where !chain.chain.isBackfill && chainOfLocation[chain.chain.location] == nil {
            chainOfLocation[chain.chain.location] = index
        }
        func append(_ testcase: Case, toChain index: Int?) {
            if let index { suites[index].cases.append(testcase) } else { other.cases.append(testcase) }
        }

        var logsByDigest: [ObjectKey: [LogFileRecord]] = [:]
        var unlisted: [LogFileRecord] = []
        for record in report.logFiles where record.verdict != .valid {
            if let digest = record.digest { logsByDigest[ObjectKey(digest), default: []].append(record) } else { unlisted.append(record) }
        }
        var listedCounts: [ObjectKey: Int] = [:]
        for record in report.logFiles where record.verdict == .valid { if let digest = record.digest { listedCounts[ObjectKey(digest), default: 0] += 1 } }

        func logCase(_ log: LogFileRecord, classname: String) -> Case {
            let url = "s3://\(log.bucket)/\(log.key)"
            var testcase = Case(name: "log file \(url)", classname: classname)
            if log.verdict.isFinding {
                let notVerifiable = trust.missingInputDigest(of: log) != nil
                testcase.failure = Failure(type: log.verdict.rawValue,
                                           message: (notVerifiable ? "not verifiable: " : "") + "log file \(log.verdict.rawValue): \(url)",
                                           body: [log.detail ?? ""] + evidence(log))
            } else {
                testcase.skipped = "\(log.verdict.rawValue): \(log.detail ?? "")"
            }
            return testcase
        }

        for record in report.digests {
            let index = chainIndex[ObjectKey(record.chain)]
            let bucket = record.bucket ?? index.map { report.chains[$0].bucket }
            let url = urls.url(record.key, bucket: bucket, chain: record.chain) ?? "(key unknown)"
            let span = record.span.map(\.text) ?? "unknown span"
            var testcase = index == nil ? Case(name: "digest \(record.key ?? "(key unknown)")", classname: record.chain)
                : Case(name: (record.inferred ? "missing hours " : "") + span, classname: record.chain)
            if record.verdict != .valid {
                let notVerifiable = trust.missingInput(record) != nil
                testcase.failure = Failure(type: record.verdict.rawValue,
                                           message: (notVerifiable ? "not verifiable: " : "") + "digest \(record.verdict.rawValue): \(url)",
                                           body: record.problems.map(\.detail) + evidence(record))
            }
            // Valid log files may be counted rather than listed: those not found wanting are valid.
            let logs = record.key.flatMap { logsByDigest[ObjectKey($0)] } ?? []
            let listed = max(record.logFileCount, logs.count + (record.key.flatMap { listedCounts[ObjectKey($0)] } ?? 0))
            testcase.output = "digest \(url): \(record.verdict.rawValue); \(listed - logs.filter(\.verdict.isFinding).count) of \(listed) listed log files valid"
            append(testcase, toChain: index)
            for log in logs { append(logCase(log, classname: record.chain), toChain: index) }
        }
        for log in unlisted {
            let index: Int?
            if case .logFile(let name)? = TrailObjectKey(log.key) { index = chainOfLocation[name.location] } else { index = nil }
            append(logCase(log, classname: index.map { report.chains[$0].id } ?? "log files no digest lists"), toChain: index)
        }
        for gap in report.gaps {
            let index = chainIndex[ObjectKey(gap.chain)]
            var testcase = Case(name: "gap \(gap.span.text)", classname: gap.chain)
            if report.scope.gapsAllowed {
                testcase.skipped = "gap \(gap.kind.rawValue) allowed (\(report.inputNames.allowGaps)): \(gap.detail)"
            } else {
                testcase.failure = Failure(type: gap.kind.rawValue, message: "gap \(gap.kind.rawValue): \(gap.span.text)", body: [gap.detail])
            }
            append(testcase, toChain: index)
        }
        // Longest folder first (a location's folders may hold another prefix's), then by chain: the same suite every run.
        let chainFolders = chainOfLocation.flatMap { location, index in folders(of: location).map { (folder: $0, index: index) } }
            .sorted { ($1.folder.count, $0.index) < ($0.folder.count, $1.index) }
        for object in report.objects {
            let key = Array(object.key.utf8)
            let index = chainFolders.first { key.starts(with: $0.folder) }?.index
            var testcase = Case(name: "object \(object.key)", classname: index.map { report.chains[$0].id } ?? "objects")
            testcase.failure = Failure(type: object.verdict.rawValue, message: "object \(object.verdict.rawValue): \(object.key)", body: [object.detail])
            append(testcase, toChain: index)
        }
        if !other.cases.isEmpty { suites.append(other) }

        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failureCount }
        let seconds = Double(run.endedAt.secondsSinceEpoch - run.startedAt.secondsSinceEpoch)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(Markup.xml("trailproof verify \(report.scope.source)"))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" time=\"\(Int(seconds))\">\n"
        for suite in suites {
            xml += "  <testsuite name=\"\(Markup.xml(suite.name))\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failureCount)\" errors=\"0\" skipped=\"\(suite.cases.filter { $0.skipped != nil }.count)\" time=\"0\" timestamp=\"\(run.startedAt.iso8601)\" hostname=\"\(Markup.xml(run.host))\">\n"
            xml += "    <properties>\n"
            xml += "      <property name=\"source\" value=\"\(Markup.xml(report.scope.source))\"/>\n"
            xml += "      <property name=\"window\" value=\"\(Markup.xml(report.windowText))\"/>\n"
            xml += "      <property name=\"public-keys\" value=\"\(Markup.xml(report.scope.publicKeySources.joined(separator: "; ")))\"/>\n"
            xml += "      <property name=\"json-report-sha256\" value=\"\(run.jsonReportSHA256)\"/>\n"
            xml += "      <property name=\"verdict\" value=\"\(Markup.xml(verdict.resultText))\"/>\n"
            xml += "    </properties>\n"
            for testcase in suite.cases {
                xml += "    <testcase name=\"\(Markup.xml(testcase.name))\" classname=\"\(Markup.xml(testcase.classname))\" time=\"0\">\n"
                if let skipped = testcase.skipped { xml += "      <skipped message=\"\(Markup.xml(skipped))\"/>\n" }
                if let failure = testcase.failure {
                    xml += "      <failure type=\"\(Markup.xml(failure.type))\" message=\"\(Markup.xml(failure.message))\">"
                    // Each line escaped on its own: a newline inside a name stays `\n`, never a separator.
                    xml += failure.body.filter { !$0.isEmpty }.map(Markup.xml).joined(separator: " | ")
                    xml += "</failure>\n"
                }
                if let output = testcase.output { xml += "      <system-out>\(Markup.xml(output))</system-out>\n" }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return Array(xml.utf8)
    }

    /// The folders CloudTrail writes a location's log files and digests into.
    private static func folders(of location: TrailLocation) -> [[UInt8]] {
        ["CloudTrail/", "CloudTrail-Digest/"].map { Array((location.accountFolder + $0 + location.region + "/").utf8) }
    }

    private struct Suite {
        var name: String
        var cases: [Case] = []
        var failureCount: Int { cases.filter { $0.failure != nil }.count }
    }

    private struct Case {
        var name: String
        var classname: String
        /// At most one: a testcase is one object.
        var failure: Failure?
        var skipped: String?
        var output: String?
    }

    private struct Failure {
        var type: String
        var message: String
        var body: [String]
    }

    private static func evidence(_ record: DigestRecord) -> [String] {
        var lines: [String] = []
        if let fingerprint = record.publicKeyFingerprint { lines.append("public key \(fingerprint)") }
        if let source = record.signatureSource { lines.append("signature from \(source.rawValue)") }
        return lines
    }

    private static func evidence(_ record: LogFileRecord) -> [String] {
        var lines: [String] = []
        if let expected = record.expectedSHA256 { lines.append("expected SHA-256 \(expected)") }
        if let actual = record.actualSHA256 { lines.append("actual SHA-256 \(actual)") }
        if let digest = record.digest { lines.append("listed by \(digest)") }
        return lines
    }
}
