import FoundationEssentials
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

    public func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws {
        if batch.count + record.lineCount + 1 > Self.batchBytes { try flush() }
        if batch.isEmpty { batchStarted = Date() }
        record.appendLine(to: &batch)
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
/// it, so a run again rewrites the same objects instead of duplicating them. Objects are
/// compressed and written `uploadsInFlight` at a time while the next log files' records come
/// (each is its own object, so their order does not matter); `close` returns once every one is
/// written, and throws if one could not be.
public final class S3LakeRecordSink: RecordSink {
    private let client: S3Client
    private let bucket: String
    private let prefix: String
    private var lines: [UInt8] = []
    private let uploads = InFlight(limit: S3LakeRecordSink.uploadsInFlight, budget: S3LakeRecordSink.uploadBudget)

    /// Objects compressed and written at once: a PUT waits on the round trip nearly all its time
    /// (one at a time, 1,000,000 one-event log files at 20 ms would take five and a half hours).
    static let uploadsInFlight = 32

    /// Records (uncompressed) held by the uploads in flight together: a busy hour's log file
    /// holds megabytes, and 32 of them would double the run's memory.
    static let uploadBudget = 8 << 20

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
        if name.hasByteSuffix(".json.gz") { name = String(decoding: name.utf8.dropLast(".json.gz".utf8.count), as: UTF8.self) }
        return "\(prefix)account=\(account)/region=\(region)/date=\(date)/\(name).ndjson.gz"
    }

    public func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws {
        record.appendLine(to: &lines)
        lines.append(UInt8(ascii: "\n"))
    }

    public func finishLogFile(_ source: ReleasedLogFile) throws {
        guard !lines.isEmpty else { return }
        let (client, bucket, sink) = (client, bucket, "s3://\(bucket)/\(prefix)")
        let (key, body) = (Self.objectKey(prefix: prefix, source: source), lines)
        lines = []
        try uploads.start(weight: body.count) {
            do {
                try client.putObject(bucket: bucket, key: key, body: try Gzip.compress(body), contentType: "application/x-ndjson")
            } catch {
                throw RecordSinkError(sink: sink, detail: "\(error)")
            }
        }
    }

    public func close() throws { try uploads.wait() }
}
