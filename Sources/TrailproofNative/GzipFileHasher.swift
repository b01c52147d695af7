/// Hashes the uncompressed content of gzip files: streamed, with fixed-size buffers.
///
/// One hasher per thread: it reuses its decoder, digest and buffers across files.
public final class GzipFileHasher {
    /// The outcome of hashing one file.
    public struct Result: Sendable {
        /// Lower-case hex SHA-256 of the uncompressed bytes.
        public let sha256Hex: String
        /// Number of uncompressed bytes.
        public let uncompressedBytes: Int
        /// Number of compressed bytes read.
        public let compressedBytes: Int
    }

    private let decoder: GzipDecoder
    private let digest: MessageDigest
    private let readChunkSize: Int

    /// Creates a hasher with the given buffer sizes.
    public init(readChunkSize: Int = 256 * 1024, outputChunkSize: Int = 256 * 1024) throws {
        decoder = try GzipDecoder(outputChunkSize: outputChunkSize)
        digest = try MessageDigest(.sha256)
        self.readChunkSize = readChunkSize
    }

    /// Streams `path` through gunzip and SHA-256.
    /// - Throws: `GzipError` for bad gzip data, `NativeError` when the file cannot be read.
    public func hash(path: String) throws -> Result {
        decoder.reset()
        try digest.reset()
        var uncompressed = 0
        var compressed = 0
        try LocalFile.stream(path, chunkSize: readChunkSize) { chunk in
            compressed += chunk.count
            try decoder.feed(chunk) { output in
                uncompressed += output.count
                try digest.update(output)
            }
        }
        try decoder.finish()
        return Result(sha256Hex: Hex.encode(try digest.finish()), uncompressedBytes: uncompressed, compressedBytes: compressed)
    }
}
