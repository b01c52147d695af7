/// JUnit XML for CI dashboards (Jenkins, GitLab, GitHub test reporters): one testsuite per
/// chain, one testcase per digest (named by its hour span; the log files it lists are verified
/// inside it) and per gap; findings are `<failure>` elements with the object, verdict and
/// evidence. Findings that belong to no chain (log files no digest lists, objects, unmatched
/// head signatures) form a last suite of their own.
public enum JUnitReport {
    /// Renders `report`; `run` gives the timestamp and host name.
    public static func render(_ report: VerificationReport, run: RunRecord) -> [UInt8] {
        var suites: [Suite] = []
        var logsByDigest: [ObjectKey: [LogFileRecord]] = [:]
        var unlisted: [LogFileRecord] = []
        for record in report.logFiles {
            if let digest = record.digest { logsByDigest[ObjectKey(digest), default: []].append(record) } else { unlisted.append(record) }
        }
        for chain in report.chains {
            var suite = Suite(name: chain.id)
            for record in report.digests where record.chain.sameBytes(as: chain.id) {
                let span = record.span.map(\.text) ?? "unknown span"
                var testcase = Case(name: (record.inferred ? "missing hours " : "") + span, classname: chain.id)
                let url = record.key.map { "s3://\(record.bucket ?? chain.bucket)/\($0)" } ?? "(key unknown)"
                if record.verdict != .valid {
                    testcase.failures.append(Failure(
                        type: record.verdict.rawValue, message: "digest \(record.verdict.rawValue): \(url)",
                        body: record.problems.map(\.detail) + evidence(record)))
                }
                let logs = record.key.flatMap { logsByDigest[ObjectKey($0)] } ?? []
                for log in logs where log.verdict != .valid {
                    testcase.failures.append(Failure(
                        type: log.verdict.rawValue, message: "log file \(log.verdict.rawValue): s3://\(log.bucket)/\(log.key)",
                        body: [log.detail ?? ""] + evidence(log)))
                }
                // Valid log files may be counted rather than listed: those not found wanting are valid.
                let listed = max(record.logFileCount, logs.count)
                testcase.output = "digest \(url): \(record.verdict.rawValue); \(listed - logs.filter { $0.verdict != .valid }.count) of \(listed) listed log files valid"
                suite.cases.append(testcase)
            }
            for gap in report.gaps where gap.chain.sameBytes(as: chain.id) {
                var testcase = Case(name: "gap \(gap.span.text)", classname: chain.id)
                if report.scope.gapsAllowed {
                    testcase.skipped = "gap \(gap.kind.rawValue) allowed (--allow-gaps): \(gap.detail)"
                } else {
                    testcase.failures.append(Failure(type: gap.kind.rawValue, message: "gap \(gap.kind.rawValue): \(gap.span.text)", body: [gap.detail]))
                }
                suite.cases.append(testcase)
            }
            suites.append(suite)
        }
        var other = Suite(name: "objects outside any chain")
        for record in report.digests where !report.chains.contains(where: { $0.id.sameBytes(as: record.chain) }) {
            var testcase = Case(name: "digest \(record.key ?? "(key unknown)")", classname: record.chain)
            testcase.failures.append(Failure(type: record.verdict.rawValue, message: "digest \(record.verdict.rawValue)",
                                             body: record.problems.map(\.detail)))
            other.cases.append(testcase)
        }
        for log in unlisted {
            var testcase = Case(name: "log file s3://\(log.bucket)/\(log.key)", classname: "log files no digest lists")
            if log.verdict.isFinding {
                testcase.failures.append(Failure(type: log.verdict.rawValue, message: "log file \(log.verdict.rawValue): s3://\(log.bucket)/\(log.key)",
                                                 body: [log.detail ?? ""]))
            } else {
                testcase.skipped = "\(log.verdict.rawValue): \(log.detail ?? "")"
            }
            other.cases.append(testcase)
        }
        for object in report.objects {
            var testcase = Case(name: "object \(object.key)", classname: "objects")
            testcase.failures.append(Failure(type: object.verdict.rawValue, message: "object \(object.verdict.rawValue): \(object.key)", body: [object.detail]))
            other.cases.append(testcase)
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
            xml += "      <property name=\"window\" value=\"\(Markup.xml(report.scope.windowText))\"/>\n"
            xml += "      <property name=\"public-keys\" value=\"\(Markup.xml(report.scope.publicKeySources.joined(separator: "; ")))\"/>\n"
            xml += "      <property name=\"json-report-sha256\" value=\"\(run.jsonReportSHA256)\"/>\n"
            xml += "    </properties>\n"
            for testcase in suite.cases {
                xml += "    <testcase name=\"\(Markup.xml(testcase.name))\" classname=\"\(Markup.xml(testcase.classname))\" time=\"0\">\n"
                if let skipped = testcase.skipped { xml += "      <skipped message=\"\(Markup.xml(skipped))\"/>\n" }
                for failure in testcase.failures {
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

    private struct Suite {
        var name: String
        var cases: [Case] = []
        var failureCount: Int { cases.filter { !$0.failures.isEmpty }.count }
    }

    private struct Case {
        var name: String
        var classname: String
        var failures: [Failure] = []
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
