import FoundationEssentials
import TrailproofNative

/// `clickhouse://HOST:PORT/DATABASE.TABLE`: rows inserted through ClickHouse's HTTP interface
/// (`INSERT … FORMAT JSONEachRow`) into a flat schema; see `ClickHouseRecordSink.createTableSQL`.
/// Columns are taken from each record's top-level members in one structural pass (string values
/// are copied as the JSON literals they are), with `StrictJSON` when that pass is unsure.
/// One INSERT is in flight while the next batch is built.
public final class ClickHouseRecordSink: RecordSink {
    /// Most rows per INSERT.
    public static let batchRows = 20_000
    /// Most bytes per INSERT.
    public static let batchBytes = 16 << 20

    private let endpoint: String
    private let table: String
    private let delivery: HTTPDelivery
    private var rows: [UInt8] = []
    private var rowCount = 0
    /// `,"logFile":…,"logFileSHA256":…,"digest":…` of the log file being written.
    private var fileColumns: (key: String, bytes: [UInt8])?
    private let sender = InFlight()

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

    /// The string members copied to columns of the same name.
    private static let stringMembers = ["eventID", "eventSource", "eventName", "awsRegion", "recipientAccountId", "sourceIPAddress", "errorCode"]
    /// Top-level members read, in this order: eventTime, the string members, userIdentity, readOnly.
    private static let memberNames = ["eventTime"] + stringMembers + ["userIdentity", "readOnly"]
    private static let members: [[UInt8]] = memberNames.map { Array($0.utf8) }
    /// `,"name":` of each string member's column.
    private static let stringColumns: [[UInt8]] = stringMembers.map { Array(",\"\($0)\":".utf8) }
    private static let arn = [Array("arn".utf8)]

    public func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws {
        if !(fileColumns?.key).sameBytes(as: source.key) {
            var bytes: [UInt8] = []
            for (name, value) in [("logFile", "s3://\(source.bucket)/\(source.key)"), ("logFileSHA256", source.sha256), ("digest", source.digest)] {
                bytes += Array(",\"\(name)\":".utf8)
                JSONWriter.appendString(value, to: &bytes)
            }
            fileColumns = (source.key, bytes)
        }
        let start = rows.count
        let scanned = record.bytes.withUnsafeBufferPointer { buffer -> Bool in
            guard let values = RecordScanner.members(of: buffer, object: 0..<buffer.count, named: Self.members) else { return false }
            func literal(_ range: Range<Int>?) -> UnsafeBufferPointer<UInt8>.SubSequence? {
                guard let range, buffer[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
                return buffer[range]
            }
            rows += Array("{\"eventTime\":\"".utf8)
            Self.appendDateTime(literal(values[0]).map { Array($0.dropFirst().dropLast())[...] }, to: &rows)
            rows.append(UInt8(ascii: "\""))
            for (offset, column) in Self.stringColumns.enumerated() {
                rows += column
                if let text = literal(values[offset + 1]) { rows += text } else { rows += [UInt8(ascii: "\""), UInt8(ascii: "\"")] }
            }
            rows += Array(",\"userIdentityArn\":".utf8)
            if let identity = values[8], buffer[identity.lowerBound] == UInt8(ascii: "{"),
               let found = RecordScanner.members(of: buffer, object: identity, named: Self.arn), let text = literal(found[0]) {
                rows += text
            } else {
                rows += [UInt8(ascii: "\""), UInt8(ascii: "\"")]
            }
            let readOnly = values[9].map { Array(buffer[$0]) }
            rows += Array(",\"readOnly\":\(readOnly == Array("true".utf8) || readOnly == Array("\"true\"".utf8) ? 1 : 0)".utf8)
            return true
        }
        if !scanned {
            rows.removeSubrange(start...)
            try appendStrictColumns(record.bytes)
        }
        rows += fileColumns?.bytes ?? []
        // The record exactly as CloudTrail wrote it; its provenance is in the columns beside it.
        rows += Array(",\"raw\":".utf8)
        JSONWriter.appendString(record.bytes, to: &rows)
        rows += [UInt8(ascii: "}"), UInt8(ascii: "\n")]
        rowCount += 1
        if rowCount >= Self.batchRows || rows.count >= Self.batchBytes { try flush() }
    }

    /// The columns of a record the structural pass was unsure of, through `StrictJSON`.
    private func appendStrictColumns(_ bytes: ArraySlice<UInt8>) throws {
        let record = Array(bytes)
        let fields = (try? StrictJSON.members(of: record, range: 0..<record.count, keeping: Set(Self.memberNames.map { ObjectKey($0) }))) ?? [:]
        func text(_ name: String) -> String { fields[ObjectKey(name)]?.stringValue ?? "" }
        rows += Array("{\"eventTime\":\"".utf8)
        Self.appendDateTime(fields["eventTime"]?.stringValue.map { Array($0.utf8)[...] }, to: &rows)
        rows.append(UInt8(ascii: "\""))
        for (column, name) in zip(Self.stringColumns, Self.stringMembers) {
            rows += column
            JSONWriter.appendString(text(name), to: &rows)
        }
        rows += Array(",\"userIdentityArn\":".utf8)
        JSONWriter.appendString(fields["userIdentity"]?.objectValue?["arn"]?.stringValue ?? "", to: &rows)
        var readOnly = 0
        switch fields["readOnly"] {
        case .bool(true)?: readOnly = 1
        case .string(let value)? where value == "true": readOnly = 1
        default: break
        }
        rows += Array(",\"readOnly\":\(readOnly)".utf8)
    }

    /// Appends eventTime as ClickHouse's DateTime text, `YYYY-MM-DD hh:mm:ss` (the epoch when absent or not a time).
    static func appendDateTime(_ text: ArraySlice<UInt8>?, to out: inout [UInt8]) {
        if let text, text.count == 20, text.last == UInt8(ascii: "Z"), text[text.startIndex + 10] == UInt8(ascii: "T"),
           UTCTime(utf8: text) != nil {
            out += text.prefix(10)
            out.append(UInt8(ascii: " "))
            out += text.dropFirst(11).prefix(8)
            return
        }
        let time = text.flatMap { UTCTime(utf8: $0) } ?? UTCTime(secondsSinceEpoch: 0)
        out += Array(time.iso8601.prefix(19).replacingAll("T", with: " ").utf8)
    }

    public func finishLogFile(_ source: ReleasedLogFile) throws {}

    /// Hands the batch to the sender (after the one before it was acknowledged).
    private func flush() throws {
        guard rowCount > 0 else { return }
        let query = SigV4Signer.uriEncode("INSERT INTO \(table) FORMAT JSONEachRow")
        let batch = rows, delivery = self.delivery, url = endpoint + "?query=" + query, what = "clickhouse \(table)"
        try sender.start { try delivery.post(batch, to: url, what: what) }
        rows = []
        rows.reserveCapacity(batch.count)
        rowCount = 0
    }

    /// Sends what is left and waits until ClickHouse has acknowledged every batch.
    public func close() throws {
        try flush()
        try sender.wait()
    }
}
