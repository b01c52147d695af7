import Foundation
import Testing
import TrailproofTrailGen

/// `trailproof verify s3://…` through scripts/fault-proxy.py in front of moto: transient server
/// errors, connections dropped mid-body and stalled transfers are retried and change no verdict;
/// a fault that never ends is an operational error (exit 2) naming the object and the status.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct FaultInjectionTests {
    /// A bucket of its own, and a proxy of its own in front of moto.
    struct Setup {
        let bucket: FaultTestBucket
        let proxy: FaultProxy

        init(_ label: String, tamper: (GeneratedTrail) throws -> Void = { _ in }) throws {
            let endpoint = try #require(S3TestServers.s3Endpoint)
            bucket = try FaultTestBucket(label, endpoint: endpoint, tamper: tamper)
            proxy = try FaultProxy(upstream: endpoint)
        }

        /// `trailproof verify s3://BUCKET` through the proxy, with a 2 s stall timeout.
        func verify(sourceLocation: SourceLocation = #_sourceLocation) throws -> FaultTestCLI.Run {
            try FaultTestCLI.run(["verify", "s3://\(bucket.bucket)", "--endpoint-url", proxy.url, "--timeout", "2",
                                  "--public-keys", bucket.trail.publicKeysFile], sourceLocation: sourceLocation)
        }

        /// Verifies once without faults, then once under `rules`: both runs must agree exactly.
        /// - Returns: the run under faults and what the proxy saw during it.
        @discardableResult
        func expectSameVerdicts(under rules: [[String: Any]], status: Int32,
                                sourceLocation: SourceLocation = #_sourceLocation) throws -> (FaultTestCLI.Run, [FaultProxy.Entry]) {
            let clean = try verify(sourceLocation: sourceLocation)
            #expect(clean.status == status, "\(clean)", sourceLocation: sourceLocation)
            try proxy.setRules(rules)
            try proxy.clearLog()
            let faulty = try verify(sourceLocation: sourceLocation)
            let log = try proxy.log()
            #expect(faulty.status == clean.status, "\(faulty)", sourceLocation: sourceLocation)
            #expect(faulty.stdout == clean.stdout, "\(faulty)", sourceLocation: sourceLocation)
            #expect(faulty.stderrLines.sorted() == clean.stderrLines.sorted(), "\(faulty)", sourceLocation: sourceLocation)
            #expect(log.contains { $0.action != "pass" }, "no fault was injected", sourceLocation: sourceLocation)
            return (faulty, log)
        }

        func remove() { bucket.remove() }
    }

    static func pattern(_ key: String) -> String { NSRegularExpression.escapedPattern(for: key) + "$" }

    @Test func internalErrorsTwicePerRequestChangeNothing() throws {
        let setup = try Setup("err500")
        defer { setup.remove() }
        let (run, log) = try setup.expectSameVerdicts(under: [
            ["action": "error", "status": 500, "times": 2, "per_path": true],
        ], status: 0)
        #expect(run.stdout.contains("Result: VERIFIED"))
        // Every path (the bucket's, for listings; each object's) failed twice (a digest's GET and
        // HEAD share the count, as do the listings), then every request passed once.
        let paths = Set(log.map(\.path))
        let requests = Set(log.map { "\($0.method) \($0.path)?\($0.query)" })
        #expect(log.filter { $0.action == "error" && $0.status == 500 }.count == 2 * paths.count)
        #expect(log.filter { $0.action == "pass" }.count == requests.count)
    }

    @Test func slowDownThreeTimesPerObjectChangesNothing() throws {
        let setup = try Setup("slowdown")
        defer { setup.remove() }
        let (_, log) = try setup.expectSameVerdicts(under: [
            ["path": "/AWSLogs/", "method": "GET", "action": "error", "status": 503, "code": "SlowDown", "times": 3, "per_path": true],
            ["path": "/AWSLogs/", "method": "HEAD", "action": "error", "status": 503, "code": "SlowDown", "times": 1, "per_path": true],
        ], status: 0)
        let objects = Set(log.filter { $0.method == "GET" && $0.path.contains("/AWSLogs/") }.map(\.path))
        #expect(objects.count == setup.bucket.objectKeys.count)
        #expect(log.filter { $0.action == "error" && $0.status == 503 }.count >= 3 * objects.count)
    }

    @Test func connectionsDroppedMidBodyChangeNothing() throws {
        let setup = try Setup("drop")
        defer { setup.remove() }
        // Every GET (the listing included) gets its headers and half its body, then the connection
        // closes; every HEAD has its connection closed without an answer.
        let (_, log) = try setup.expectSameVerdicts(under: [
            ["method": "GET", "action": "drop", "times": 1, "per_path": true],
            ["method": "HEAD", "action": "close", "times": 1, "per_path": true],
        ], status: 0)
        let gets = Set(log.filter { $0.method == "GET" }.map(\.path))
        let heads = Set(log.filter { $0.method == "HEAD" }.map(\.path))
        #expect(log.filter { $0.action == "drop" }.count == gets.count)
        #expect(log.filter { $0.action == "close" }.count == heads.count)
    }

    @Test func stalledTransfersAreAbandonedAndRetried() throws {
        let setup = try Setup("stall")
        defer { setup.remove() }
        let logs = setup.bucket.listedLogKeys
        let digest = try #require(setup.bucket.trail.primaryDigests.last)
        let (run, log) = try setup.expectSameVerdicts(under: [
            // Nothing at all for 60 s; then headers and half a body, then nothing.
            ["path": Self.pattern(logs[0]), "method": "GET", "action": "stall", "at": "headers", "times": 1],
            ["path": Self.pattern(logs[1]), "method": "GET", "action": "stall", "at": "body", "times": 1],
            // The digest's GET (its signature comes with it, so there is no HEAD to stall).
            ["path": Self.pattern(digest.key), "method": "GET", "action": "stall", "at": "headers", "times": 1],
        ], status: 0)
        #expect(log.filter { $0.action == "stall" }.count == 3)
        // --timeout 2 abandons them long before the proxy's 60 s are over.
        #expect(run.seconds < 30, "\(run)")
    }

    @Test func aModifiedLogFileIsStillExactlyReportedUnderFaults() throws {
        var modified = ""
        let setup = try Setup("modified") { trail in
            let listed = trail.logFiles.filter { $0.digestKey != nil }
            modified = listed[listed.count / 2].key
            try trail.modifyLogFile(modified)
        }
        defer { setup.remove() }
        let (run, _) = try setup.expectSameVerdicts(under: [
            ["path": "/CloudTrail/", "method": "GET", "action": "drop", "times": 1, "per_path": true],
            ["method": "GET", "action": "error", "status": 503, "code": "SlowDown", "times": 1, "per_path": true],
            ["method": "HEAD", "action": "error", "status": 500, "times": 1, "per_path": true],
        ], status: 1)
        let problems = run.stderrLines.filter { !$0.hasPrefix("trailproof: note:") }
        #expect(problems.count == 1, "\(run)")
        #expect(problems.first?.contains("modified") == true, "\(run)")
        #expect(problems.first?.contains(modified) == true, "\(run)")
    }

    @Test func aPermanentServerErrorOnALogFileIsExitTwoNamingTheObject() throws {
        let setup = try Setup("perm500")
        defer { setup.remove() }
        let logs = setup.bucket.listedLogKeys
        let broken = logs[logs.count / 2]
        try setup.proxy.setRules([["path": Self.pattern(broken), "method": "GET", "action": "error", "status": 500]])
        let run = try setup.verify()
        #expect(run.status == 2, "\(run)")
        let errors = run.stderrLines.filter { $0.contains(broken) }
        #expect(errors.count == 1, "\(run)")
        #expect(errors.first?.contains("HTTP 500") == true, "\(run)")
        let attempts = try setup.proxy.log().filter { $0.path.hasSuffix(broken) }.count
        #expect(attempts > 1, "the request was not retried")
    }

    @Test func aPermanentSlowDownOnADigestIsExitTwoNamingTheObject() throws {
        let setup = try Setup("perm503")
        defer { setup.remove() }
        let digests = setup.bucket.trail.primaryDigests
        let broken = digests[digests.count / 2].key
        try setup.proxy.setRules([["path": Self.pattern(broken), "method": "GET", "action": "error", "status": 503, "code": "SlowDown"]])
        let run = try setup.verify()
        #expect(run.status == 2, "\(run)")
        let errors = run.stderrLines.filter { $0.contains(broken) }
        #expect(errors.count == 1, "\(run)")
        #expect(errors.first?.contains("HTTP 503") == true, "\(run)")
        #expect(errors.first?.contains("SlowDown") == true, "\(run)")
    }
}
