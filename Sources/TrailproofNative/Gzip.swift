internal import CTrailproof

/// Why gzip data could not be decompressed.
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data ended before the gzip stream did (or there was no data at all).
    case truncated
    /// The bytes are not a valid gzip stream; `detail` is zlib's message.
    case corrupt(detail: String)
    /// The uncompressed output exceeded the caller's limit.
    case outputLimitExceeded(limit: Int)

    public var description: String {
        switch self {
        case .truncated: return "truncated gzip data"
        case .corrupt(let detail): return "corrupt gzip data (\(detail))"
        case .outputLimitExceeded(let limit): return "uncompressed size exceeds the limit of \(limit) bytes"
        }
    }
}

/// A streaming gzip decoder: feed compressed chunks, receive uncompressed chunks.
///
/// Accepts concatenated gzip members (as `gzip -d` does); any other trailing bytes are corrupt.
/// Not thread-safe; one per stream.
public final class GzipDecoder {
    private var stream = z_stream()
    private var output: UnsafeMutableRawBufferPointer
    private var atMemberEnd = false
    private var sawInput = false

    /// Creates a decoder whose output chunks are at most `outputChunkSize` bytes.
    public init(outputChunkSize: Int = 256 * 1024) throws {
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: outputChunkSize, alignment: 16)
        let status = CTrailproof_inflateInitGzip(&stream)
        guard status == Z_OK else {
            output.deallocate()
            throw NativeError(.zlib, "initialise inflate", detail: "status \(status)")
        }
    }

    deinit {
        inflateEnd(&stream)
        output.deallocate()
    }

    /// Makes the decoder ready for a new, unrelated stream.
    public func reset() {
        inflateReset(&stream)
        atMemberEnd = false
        sawInput = false
    }

    /// Decompresses `input`, handing every uncompressed chunk to `sink` (valid only during the call).
    public func feed(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        sawInput = true
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        defer {
            stream.next_in = nil
            stream.avail_in = 0
        }
        let outBase = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        while stream.avail_in > 0 {
            if atMemberEnd {
                // More bytes after a complete member: they must form another gzip member.
                inflateReset(&stream)
                atMemberEnd = false
            }
            stream.next_out = outBase
            stream.avail_out = uInt(output.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 {
                try sink(UnsafeRawBufferPointer(start: output.baseAddress, count: produced))
            }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                atMemberEnd = true
            case Z_BUF_ERROR where produced > 0:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw GzipError.corrupt(detail: message)
            }
        }
        // Drain output that zlib buffered internally but had no room for.
        while !atMemberEnd {
            stream.next_out = outBase
            stream.avail_out = uInt(output.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(start: output.baseAddress, count: produced)) }
            if status == Z_STREAM_END { atMemberEnd = true; break }
            if status != Z_OK && status != Z_BUF_ERROR {
                throw GzipError.corrupt(detail: stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
            }
            if status == Z_BUF_ERROR || produced == 0 { break }
        }
    }

    /// Confirms that the data fed so far ended exactly at the end of a gzip member.
    public func finish() throws {
        guard sawInput, atMemberEnd else { throw GzipError.truncated }
    }
}

/// One-shot gzip helpers for small payloads (digests, test data).
public enum Gzip {
    /// Decompresses a whole gzip payload, refusing to produce more than `limit` bytes.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        let decoder = try GzipDecoder()
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { input in
            try decoder.feed(input) { chunk in
                guard out.count + chunk.count <= limit else { throw GzipError.outputLimitExceeded(limit: limit) }
                out.append(contentsOf: chunk)
            }
        }
        try decoder.finish()
        return out
    }

    /// Compresses `bytes` into a single gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        guard CTrailproof_deflateInitGzip(&stream, level) == Z_OK else {
            throw NativeError(.zlib, "initialise deflate")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let written: Int = try bytes.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                let status = deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else { throw NativeError(.zlib, "deflate", detail: "status \(status)") }
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(out.prefix(written))
    }
}
