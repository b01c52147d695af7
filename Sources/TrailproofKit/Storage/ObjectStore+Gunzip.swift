import TrailproofNative

/// A worker thread's gunzip and SHA-256 state, made once and reused object after object
/// (`gunzipAndHash` resets both before each).
struct GunzipState {
    let decoder: GzipDecoder
    let digest: MessageDigest

    init() throws {
        decoder = try GzipDecoder()
        digest = try MessageDigest(.sha256)
    }
}

extension ObjectStore {
    /// Streams the gzip object `key` through `decoder` and `sha256`, handing every uncompressed
    /// chunk to `body`; returns the hex SHA-256 of all the uncompressed bytes, or nil when no
    /// object has that key. `restart` runs before every attempt (after the decoder and digest are
    /// reset), so the consumer can drop what it received of a broken transfer. With
    /// `compressedLimit`, more compressed bytes than that end the read with `tooLarge`.
    /// - Throws: `GzipError` for corrupt or truncated data, and what the store, `restart`,
    ///   `body` or the limit throw.
    func gunzipAndHash(_ key: String, decoder: GzipDecoder, sha256: MessageDigest, compressedLimit: Int? = nil,
                       restart: () throws -> Void = {}, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> String? {
        var compressed = 0
        let found = try streamObject(key, restart: {
            decoder.reset()
            try sha256.reset()
            compressed = 0
            try restart()
        }) { chunk in
            compressed += chunk.count
            if let compressedLimit, compressed > compressedLimit { throw DigestLoadError.tooLarge(limit: compressedLimit) }
            try decoder.feed(chunk) { output in
                try body(output)
                try sha256.update(output)
            }
        }
        guard found else { return nil }
        try decoder.finish()
        return Hex.encode(try sha256.finish())
    }
}
