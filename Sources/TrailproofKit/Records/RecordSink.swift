import TrailproofNative

/// Where released records go, one NDJSON line each, in order.
public protocol RecordSink: AnyObject {
    /// Takes one record of the log file `source`.
    func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws
    /// Called after the last record of `source`: everything up to here may be made durable.
    func finishLogFile(_ source: ReleasedLogFile) throws
    /// Flushes and closes; after this, every record written is delivered.
    func close() throws
}

/// One released record: its exact bytes in its log file and the provenance member added to it.
public struct ReleasedRecord {
    /// The record's own bytes: one JSON object, exactly as CloudTrail wrote it.
    public let bytes: ArraySlice<UInt8>
    /// `"trailproof":{…}`, added as its last member; empty with `--provenance none`.
    public let provenance: ArraySlice<UInt8>

    /// The output line's length (without its newline).
    public var lineCount: Int { provenance.isEmpty ? bytes.count : bytes.count + provenance.count + 1 }

    /// Appends the output line (without its newline): the record's bytes up to its closing brace,
    /// then, when there is provenance, a comma (none after `{`), the member, and the brace.
    public func appendLine(to out: inout [UInt8]) {
        guard !provenance.isEmpty else { out.append(contentsOf: bytes); return }
        let open = bytes.dropLast()
        out.append(contentsOf: open)
        if open.last(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: provenance)
        out.append(UInt8(ascii: "}"))
    }
}

/// A log file whose records are being released, with its place in the trail and its proof.
public struct ReleasedLogFile: Sendable {
    /// Its key.
    public var key: String
    /// Its bucket.
    public var bucket: String
    /// Its location (account, region), from its key.
    public var location: TrailLocation?
    /// Its delivery time.
    public var time: UTCTime?
    /// The SHA-256 of its uncompressed content (hex), as its digest lists it.
    public var sha256: String
    /// The digest that lists it, as s3://bucket/key.
    public var digest: String
}

/// NDJSON to standard output or a file; gzip when the path ends in `.gz` (one gzip member per
/// megabyte, which `gzip -d`, zcat and every gzip reader join).
public final class FileRecordSink: RecordSink {
    private let descriptor: Int32
    private let closesDescriptor: Bool
    private let compresses: Bool
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20
    /// The file's size once closed, everything in it on disk: what a state file records.
    public private(set) var acknowledgedBytes: Int64?

    /// Writes to `path` (replacing it), or to standard output for `-`. With `appendingAfter`, the
    /// file is appended to instead, first cut back to that many bytes when given (what a crashed
    /// run wrote after its last saved state goes; the records are released again).
    public init(path: String, appendingAfter: Int64?? = nil) throws {
        if path == "-" {
            descriptor = 1
            closesDescriptor = false
            compresses = false
        } else {
            if let resume = appendingAfter {
                descriptor = try LocalFile.openForAppending(path, truncatingTo: resume)
            } else {
                descriptor = try LocalFile.openForWriting(path)
            }
            closesDescriptor = true
            compresses = path.hasSuffix(".gz")
        }
        buffer.reserveCapacity(Self.flushSize + 65_536)
    }

    public func write(_ record: ReleasedRecord, source: ReleasedLogFile) throws {
        record.appendLine(to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.flushSize { try flush() }
    }

    public func finishLogFile(_ source: ReleasedLogFile) throws {}

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        let bytes = compresses ? try Gzip.compress(buffer, level: 6) : buffer
        try bytes.withUnsafeBytes { try LocalFile.write($0, to: descriptor) }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        try flush()
        if closesDescriptor {
            acknowledgedBytes = try LocalFile.sync(descriptor)
            LocalFile.close(descriptor)
        }
    }
}
