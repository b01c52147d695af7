import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// `trailproof records --out` into real stores: S3 (moto's and SeaweedFS's) read back by DuckDB
/// with Hive partitioning, an HTTP intake that fails on purpose, and Debian's ClickHouse server.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto, the CloudTrail stand-in and ClickHouse"))
struct RecordSinkTests {
    /// A two-region trail in S3 with one modified log file, and the records a file sink gets from it.
    static func prepare(_ label: String, on server: S3Server = .moto) throws -> (S3Trail, [String]) {
        let trail = try S3Trail(label, on: server) { $0.hours = 5; $0.regions = ["us-east-1", "eu-west-2"]; $0.seed = 31 }
        try trail.trail.modifyLogFile(trail.digestWithLogs(1).logKeys[0])
        try trail.upload()
        try trail.registerKeys()
        let file = trail.scratch.path + "/records.ndjson"
        let run = try trail.trailproof(["records", "s3://\(trail.bucket)", "--out", file, "--provenance", "none"])
        #expect(run.status == 1, "\(run)")
        let lines = String(decoding: try LocalFile.readAll(file, limit: 1 << 26), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        return (trail, lines)
    }

    /// Runs a Python program and returns its standard output.
    static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        let run = try ExternalCommand.run(["python3", "-c", script] + arguments)
        #expect(run.status == 0, "\(run)")
        return run.stdout
    }

    @Test(arguments: S3Server.allCases)
    func anS3DataLakeLayoutIsReadAsIsByDuckDBAndARunAgainRewritesTheSameObjects(on server: S3Server) throws {
        let (trail, lines) = try Self.prepare("records-lake", on: server)
        defer { trail.remove() }
        let lake = "s3://\(trail.bucket)-lake/cloudtrail/"
        let made = try ExternalCommand.run(["aws", "--endpoint-url", trail.s3Endpoint, "s3", "mb", "s3://\(trail.bucket)-lake"],
                                           environment: trail.awsProcessEnvironment)
        #expect(made.status == 0, "\(made)")
        for _ in 0..<2 {
            let run = try trail.trailproof(["records", "s3://\(trail.bucket)", "--out", lake])
            #expect(run.status == 1, "\(run)")
        }
        // Download the lake as it is and let DuckDB read it with hive partitioning.
        let local = trail.scratch.path + "/lake"
        let sync = try ExternalCommand.run(["aws", "--endpoint-url", trail.s3Endpoint, "s3", "sync", lake, local],
                                           environment: trail.awsProcessEnvironment)
        #expect(sync.status == 0, "\(sync)")
        let result = try Self.python("""
            import duckdb, json, sys
            rows = duckdb.sql(f"select account, region, cast(date as varchar) as date, count(*) as n, count(distinct eventID) as ids, \\
                              count(distinct trailproof.logFile) as files from read_json_auto('{sys.argv[1]}/*/*/*/*.ndjson.gz', \\
                              hive_partitioning=true, format='newline_delimited') group by all order by all").fetchall()
            ids = duckdb.sql(f"select cast(eventID as varchar) from read_json_auto('{sys.argv[1]}/*/*/*/*.ndjson.gz', \\
                             hive_partitioning=true, format='newline_delimited') order by eventID").fetchall()
            print(json.dumps({"rows": [list(r) for r in rows], "eventIDs": [r[0] for r in ids]}))
            """, [local])
        let read = try #require(try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any])
        let rows = try #require(read["rows"] as? [[Any]])
        // The lake holds exactly the records released: each eventID of the file sink's run, once.
        let released = try lines.map { line in
            try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["eventID"] as? String)
        }
        #expect((read["eventIDs"] as? [String])?.sorted() == released.sorted(), "the lake's eventIDs are the records released")
        let total = rows.reduce(0) { $0 + (($1[3] as? Int) ?? 0) }
        #expect(total == lines.count, "\(rows)")
        #expect(Set(rows.map { "\($0[1])" }) == ["us-east-1", "eu-west-2"])
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { "\($0[0])" == "111122223333" && "\($0[2])" == "2026-01-08" })
        #expect(rows.reduce(0) { $0 + (($1[4] as? Int) ?? 0) } == total, "each eventID once, after two runs")
    }

    /// Starts scripts/http-intake.py writing into `out`; returns the process and its URL.
    /// Lake objects are written many at a time: one that cannot be written (here, into a bucket
    /// that does not exist) still ends the run with exit 2 naming the sink, and the state does
    /// not move on past records that were not delivered. (On moto: SeaweedFS makes the bucket.)
    @Test func aLakeThatCannotBeWrittenEndsTheRunWithExitTwoAndNoState() throws {
        let (trail, _) = try Self.prepare("records-lake-down")
        defer { trail.remove() }
        let lake = "s3://\(trail.bucket)-no-such-lake/cloudtrail/"
        let state = trail.scratch.path + "/state.json"
        let run = try trail.trailproof(["records", "s3://\(trail.bucket)", "--out", lake, "--state", state])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("records sink \(lake)"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: state), "no state is saved before every sink acknowledged")
    }

    /// The lake sink writes many objects at once, and `close` is its acknowledgement: it returns
    /// once every object is written, and throws when one could not be, even the last one, whose
    /// failure no later log file can report.
    @Test func theLakeSinksCloseWaitsForEveryObjectAndReportsTheLastFailure() throws {
        let trail = try S3Trail("lake-sink") { $0.hours = 2 }
        defer { trail.remove() }
        try trail.upload()
        let client = S3Client(http: AWSHTTPClient(environment: trail.awsEnvironment()))
        let record = ReleasedRecord(bytes: ArraySlice(#"{"eventID":"e1"}"#.utf8), provenance: [])
        let sources = (0..<200).map { index in
            ReleasedLogFile(key: "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/file-\(index).json.gz", bucket: trail.bucket,
                            location: nil, time: nil, sha256: "", digest: "")
        }
        let sink = S3LakeRecordSink(client: client, bucket: trail.bucket, prefix: "lake/")
        for source in sources {
            try sink.write(record, source: source)
            try sink.finishLogFile(source)
        }
        try sink.close()
        #expect(try client.listKeys(bucket: trail.bucket, prefix: "lake/").count == sources.count)

        let failing = S3LakeRecordSink(client: client, bucket: trail.bucket + "-no-such-lake", prefix: "lake/")
        try failing.write(record, source: sources[0])
        try failing.finishLogFile(sources[0])
        #expect(throws: RecordSinkError.self) { try failing.close() }
    }

    static func intake(_ out: String, _ flags: [String]) throws -> (RunningProcess, String) {
        let server = try ProcessRunner.start("python3", [TrailproofBinary.packageRoot + "/scripts/http-intake.py", out] + flags)
        let line = server.firstLineOfStandardOutput(timeout: 30)
        guard let port = line.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            server.stop()
            throw ProcessRunFailed(try server.wait(timeout: 5))
        }
        return (server, "http://127.0.0.1:\(port)/services/collector/raw")
    }

    @Test func anHTTPIntakeGetsEveryRecordOnceThroughRetriesWithItsHeaders() throws {
        let (trail, lines) = try Self.prepare("records-http")
        defer { trail.remove() }
        let received = trail.scratch.path + "/intake.jsonl"
        let (server, url) = try Self.intake(received, ["--fail-first", "2"])
        defer { server.stop() }
        let run = try trail.trailproof(["records", "s3://\(trail.bucket)", "--out", url, "--provenance", "none",
                                        "--header", "Authorization: Splunk 0000-token", "--header", "X-Source: trailproof"])
        #expect(run.status == 1, "\(run)")
        var bodies: [String] = []
        for line in String(decoding: try LocalFile.readAll(received, limit: 1 << 26), as: UTF8.self).split(separator: "\n") {
            let request = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let headers = request["headers"] as? [String: String] ?? [:]
            #expect(headers["Authorization"] == "Splunk 0000-token")
            #expect(headers["X-Source"] == "trailproof")
            #expect(headers["Content-Type"] == "application/x-ndjson")
            bodies.append(request["body"] as? String ?? "")
        }
        #expect(bodies.joined().split(separator: "\n").map(String.init) == lines)
    }

    @Test func anIntakeThatKeepsFailingEndsTheRunWithExitTwo() throws {
        let (trail, _) = try Self.prepare("records-http-down")
        defer { trail.remove() }
        let (server, url) = try Self.intake(trail.scratch.path + "/never.jsonl", ["--always-fail"])
        defer { server.stop() }
        let run = try trail.trailproof(["records", "s3://\(trail.bucket)", "--out", url])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("records sink \(url): HTTP 500"), "\(run)")
    }

    @Test func clickHouseGetsOneRowPerRecordInTheFlatSchema() throws {
        let endpoint = try #require(S3TestServers.clickHouseEndpoint, "scripts/test-servers.sh starts ClickHouse")
        let (trail, lines) = try Self.prepare("records-clickhouse")
        defer { trail.remove() }
        let table = "default.ct_" + trail.bucket.replacingOccurrences(of: "-", with: "_")
        let run = try trail.trailproof(["records", "s3://\(trail.bucket)", "--out", "clickhouse://\(endpoint)/\(table)", "--create-table"])
        #expect(run.status == 1, "\(run)")
        func query(_ sql: String) throws -> String {
            var response: [UInt8] = []
            let url = "http://\(endpoint)/?query=" + (sql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let head = try HTTPTransfer().perform(HTTPRequest(method: "GET", url: url)) { response.append(contentsOf: $0) }
            #expect(head.status == 200, "\(String(decoding: head.errorBody, as: UTF8.self))")
            return String(decoding: response, as: UTF8.self)
        }
        #expect(try query("SELECT count(), uniqExact(eventID) FROM \(table)") == "\(lines.count)\t\(lines.count)\n")
        var expected: [String: Int] = [:]
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            expected[object?["eventSource"] as? String ?? "", default: 0] += 1
        }
        let grouped = try query("SELECT eventSource, count() FROM \(table) GROUP BY eventSource ORDER BY eventSource")
        #expect(grouped == expected.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined())
        #expect(try query("SELECT count() FROM \(table) WHERE logFileSHA256 = '' OR digest = '' OR raw = ''") == "0\n")
    }
}
