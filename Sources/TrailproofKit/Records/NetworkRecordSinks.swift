import Foundation
import TrailproofNative

/// `http(s)://…`: NDJSON batches POSTed to an HTTP intake (Splunk HEC raw, a SIEM's HTTP input,
/// Vector or Fluent Bit), at most `batchBytes` each and at most `batchSeconds` old.
public final class HTTPRecordSink: RecordSink {
    /// Largest batch body.
    public static let batchBytes = 1 << 20
    /// Oldest a batch gets before it is sent (checked at each log file's end).
    public static let batchSeconds = 5.0

    private let url: String
    private let delivery: HTTPDelivery
    private var batch: [UInt8] = []
    private var batchStarted = Date()

    /// Posts to `url` with `headers` (`Name: value`).
    public init(url: String, headers: [(name: String, value: String)]) throws {
        self.url = url
        delivery = try HTTPDelivery(headers: [("Content-Type", "application/x-ndjson")] + headers)
    }

    public func write(_ body: ArraySlice<UInt8>, _ tail: ArraySlice<UInt8>, source: ReleasedLogFile) throws {
        if batch.count + body.count + tail.count + 1 > Self.batchBytes { try flush() }
        if batch.isEmpty { batchStarted = Date() }
        batch.append(contentsOf: body)
        batch.append(contentsOf: tail)
        batch.append(UInt8(ascii: "\n"))
    }

    public func finishLogFile(_ source: ReleasedLogFile) throws {
        if Date().timeIntervalSince(batchStarted) >= Self.batchSeconds { try flush() }
    }

    private func flush() throws {
        guard !batch.isEmpty else { return }
        try delivery.post(batch, to: url, what: url)
        batch.removeAll(keepingCapacity: true)
    }

    public func close() throws { try flush() }
}

/// `s3://BUCKET/PREFIX/`: a data lake layout, gzip'd NDJSON objects under Hive-style partitions
/// `account=ACCOUNT/region=REGION/date=YYYY-MM-DD/`, one object per source log file, named after
/// it, so a run again rewrites the same objects instead of duplicating them.
public final class S3LakeRecordSink: RecordSink {
    private let client: S3Client
    private let bucket: String
    private let prefix: String
    private var lines: [UInt8] = []

    /// Writes under `s3://bucket/prefix` (prefix "" or ending in "/").
    public init(client: S3Client, bucket: String, prefix: String) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
    }

    /// The object key for the records of `source`.
    public static func objectKey(prefix: String, source: ReleasedLogFile) -> String {
        let account = source.location?.accountID ?? "unknown"
        let region = source.location?.region ?? "unknown"
        let date = source.time.map { String($0.iso8601.prefix(10)) } ?? "unknown"
        var name = String(source.key.split(separator: "/").last ?? "records")
        if name.hasSuffix(".json.gz") { name.removeLast(".json.gz".count) }
        return "\(prefix)account=\(account)/region=\(region)/date=\(date)/\(name).ndjson.gz"
    }

    public func write(_ body: ArraySlice<UInt8>, _ tail: ArraySlice<UInt8>, source: ReleasedLogFile) throws {
        lines.append(contentsOf: body)
        lines.append(contentsOf: tail)
        lines.append(UInt8(ascii: "\n"))
    }

    public func finishLogFile(_ source: ReleasedLogFile) throws {
        guard !lines.isEmpty else { return }
        let key = Self.objectKey(prefix: prefix, source: source)
        do {
            try client.putObject(bucket: bucket, key: key, body: try Gzip.compress(lines), contentType: "application/x-ndjson")
        } catch {
            throw RecordSinkError(sink: "s3://\(bucket)/\(prefix)", detail: "\(error)")
        }
        lines.removeAll(keepingCapacity: true)
    }

    public func close() throws {}
}

/// `clickhouse://HOST:PORT/DATABASE.TABLE`: rows inserted through ClickHouse's HTTP interface
/// (`INSERT … FORMAT JSONEachRow`) into a flat schema; see `ClickHouseRecordSink.createTableSQL`.
public final class ClickHouseRecordSink: RecordSink {
    /// Rows per INSERT.
    public static let batchRows = 20_000

    private let endpoint: String
    private let table: String
    private let delivery: HTTPDelivery
    private var rows: [UInt8] = []
    private var rowCount = 0

    /// Parses `clickhouse://host:port/database.table`; nil for anything else.
    public static func parse(_ url: String) -> (endpoint: String, table: String)? {
        guard url.hasPrefix("clickhouse://") else { return nil }
        let rest = url.dropFirst("clickhouse://".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let host = rest[..<slash], table = rest[rest.index(after: slash)...]
        let parts = table.split(separator: ".", omittingEmptySubsequences: false)
        let identifier = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
        guard !host.isEmpty, parts.count == 2, parts.allSatisfy(identifier) else { return nil }
        return ("http://\(host)/", String(table))
    }

    /// The table's columns, for `--create-table`.
    public static func createTableSQL(_ table: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(table) (eventTime DateTime, eventID String, eventSource String, eventName String, \
        awsRegion String, recipientAccountId String, sourceIPAddress String, userIdentityArn String, errorCode String, \
        readOnly UInt8, raw String, logFile String, logFileSHA256 String, digest String) \
        ENGINE = MergeTree() ORDER BY (eventTime, eventID)
        """
    }

    /// Inserts into `url`'s table, creating it first when `createTable`.
    public init(url: String, createTable: Bool) throws {
        guard let parsed = Self.parse(url) else { throw RecordSinkError(sink: url, detail: "not clickhouse://HOST:PORT/DATABASE.TABLE") }
        endpoint = parsed.endpoint
        table = parsed.table
        delivery = try HTTPDelivery(headers: [])
        if createTable { try delivery.post(Array(Self.createTableSQL(table).utf8), to: endpoint, what: url) }
    }

    public func write(_ body: ArraySlice<UInt8>, _ tail: ArraySlice<UInt8>, source: ReleasedLogFile) throws {
        let bytes = Array(body) + Array(tail)
        let fields = (try? StrictJSON.members(of: bytes, range: 0..<bytes.count, keeping: Self.fieldNames)) ?? [:]
        func text(_ name: String) -> String { fields[name]?.stringValue ?? "" }
        let time = fields["eventTime"]?.stringValue.flatMap(UTCTime.init(parsing:)) ?? UTCTime(secondsSinceEpoch: 0)
        let proof = fields["trailproof"]?.objectValue
        var readOnly = 0
        switch fields["readOnly"] {
        case .bool(true)?: readOnly = 1
        case .string(let value)? where value == "true": readOnly = 1
        default: break
        }
        let logFile = proof?["logFile"]?.stringValue ?? "s3://\(source.bucket)/\(source.key)"
        let columns: [(String, String)] = [
            ("eventTime", time.iso8601.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")),
            ("eventID", text("eventID")), ("eventSource", text("eventSource")), ("eventName", text("eventName")),
            ("awsRegion", text("awsRegion")), ("recipientAccountId", text("recipientAccountId")), ("sourceIPAddress", text("sourceIPAddress")),
            ("userIdentityArn", fields["userIdentity"]?.objectValue?["arn"]?.stringValue ?? ""), ("errorCode", text("errorCode")),
            ("logFile", logFile), ("logFileSHA256", proof?["sha256"]?.stringValue ?? ""), ("digest", proof?["digest"]?.stringValue ?? ""),
        ]
        rows.append(UInt8(ascii: "{"))
        for (name, value) in columns {
            rows += Array("\"\(name)\":".utf8)
            Self.appendJSONString(Array(value.utf8)[...], to: &rows)
            rows.append(UInt8(ascii: ","))
        }
        rows += Array("\"readOnly\":\(readOnly),\"raw\":".utf8)
        Self.appendJSONString(body, to: &rows)
        Self.appendJSONString(tail, to: &rows, continuing: true)
        rows += Array("}\n".utf8)
        rowCount += 1
        if rowCount >= Self.batchRows { try flush() }
    }

    /// Appends `bytes` as a JSON string (quotes and escapes); with `continuing`, extends the string
    /// just appended (its closing quote is replaced).
    static func appendJSONString(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8], continuing: Bool = false) {
        if continuing { out.removeLast() } else { out.append(UInt8(ascii: "\"")) }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static let fieldNames: Set<String> = ["eventTime", "eventID", "eventSource", "eventName", "awsRegion", "recipientAccountId",
                                          "sourceIPAddress", "userIdentity", "errorCode", "readOnly", "trailproof"]

    public func finishLogFile(_ source: ReleasedLogFile) throws {}

    private func flush() throws {
        guard rowCount > 0 else { return }
        let query = "INSERT INTO \(table) FORMAT JSONEachRow".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        try delivery.post(rows, to: endpoint + "?query=" + query, what: "clickhouse \(table)")
        rows.removeAll(keepingCapacity: true)
        rowCount = 0
    }

    public func close() throws { try flush() }
}
