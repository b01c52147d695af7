import TrailproofNative

/// Where released records go, one NDJSON line each, in order.
public protocol RecordSink: AnyObject {
    /// Takes one record line (without its newline) as two pieces, `body` then `tail` (the
    /// record's bytes and the provenance added after them), from the log file `source`.
    func write(_ body: ArraySlice<UInt8>, _ tail: ArraySlice<UInt8>, source: ReleasedLogFile) throws
    /// Called after the last record of `source`: everything up to here may be made durable.
    func finishLogFile(_ source: ReleasedLogFile) throws
    /// Flushes and closes; after this, every record written is delivered.
    func close() throws
}

/// A log file whose records are being released, with its place in the trail.
public struct ReleasedLogFile: Sendable {
    /// Its key.
    public var key: String
    /// Its bucket.
    public var bucket: String
    /// Its location (account, region), from its key.
    public var location: TrailLocation?
    /// Its delivery time.
    public var time: UTCTime?
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

    public func write(_ body: ArraySlice<UInt8>, _ tail: ArraySlice<UInt8>, source: ReleasedLogFile) throws {
        buffer.append(contentsOf: body)
        buffer.append(contentsOf: tail)
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
