import TrailproofNative

/// A worker thread's gunzip and SHA-256 state, made once and reused object after object
/// (`gunzipAndHash` resets both before each).
struct GunzipState {
    let decoder: GzipDecoder
    let digest: MessageDigest

    /// State for one of `workers` threads: their decoders' output buffers share
    /// `outputBudget` (each 16 to 256 KiB), so that many transfers in flight over S3 do not
    /// each hold 256 KiB once a large file has passed.
    init(workers: Int = 1) throws {
        decoder = try GzipDecoder(outputChunkSize: GunzipState.outputChunkSize(workers: workers))
        digest = try MessageDigest(.sha256)
    }

    /// Bytes of decoder output buffers all workers may hold together: 32 KiB each at the 128
    /// transfers of an S3 run (each output chunk is hashed as it comes, so a smaller one costs
    /// only more calls; libcurl hands a body over in chunks of 16 KiB).
    static let outputBudget = 4 << 20

    /// One worker's share of `outputBudget`, from 16 KiB to 256 KiB.
    static func outputChunkSize(workers: Int) -> Int {
        min(256 << 10, max(16 << 10, outputBudget / max(1, workers)))
    }
}

extension ObjectStore {
    /// Streams the gzip object `key` through `decoder` and `sha256`, handing every uncompressed
    /// chunk to `body`; returns the SHA-256 of all the uncompressed bytes, or nil when no
    /// object has that key. `restart` runs before every attempt (after the decoder and digest are
    /// reset), so the consumer can drop what it received of a broken transfer. With
    /// `compressedLimit` or `uncompressedLimit`, more bytes than that end the read with
    /// `ObjectSizeLimitExceeded` (so an endless or bomb-like object costs bounded work).
    /// - Throws: `GzipError` for corrupt or truncated data, and what the store, `restart`,
    ///   `body` or the limits throw.
    func gunzipAndHash(_ key: String, decoder: GzipDecoder, sha256: MessageDigest, compressedLimit: Int? = nil,
                       uncompressedLimit: Int? = nil,
                       restart: () throws -> Void = {}, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> SHA256Value? {
        var compressed = 0
        var uncompressed = 0
        let found = try streamObject(key, restart: {
            decoder.reset()
            try sha256.reset()
            compressed = 0
            uncompressed = 0
            try restart()
        }) { chunk in
            compressed += chunk.count
            if let compressedLimit, compressed > compressedLimit {
                throw ObjectSizeLimitExceeded(measure: .compressed, limit: compressedLimit)
            }
            try decoder.feed(chunk) { output in
                uncompressed += output.count
                if let uncompressedLimit, uncompressed > uncompressedLimit {
                    throw ObjectSizeLimitExceeded(measure: .uncompressed, limit: uncompressedLimit)
                }
                try body(output)
                try sha256.update(output)
            }
        }
        guard found else { return nil }
        try decoder.finish()
        return try sha256.finishSHA256()
    }
}

/// An object larger than its reader allows: the read stops there.
struct ObjectSizeLimitExceeded: Error, Sendable, CustomStringConvertible {
    /// Which size went over.
    enum Measure: Sendable { case compressed, uncompressed }
    let measure: Measure
    /// The limit, in bytes.
    let limit: Int

    var description: String {
        "larger than the \(limit)-byte limit (\(measure == .compressed ? "compressed" : "uncompressed"))"
    }
}
