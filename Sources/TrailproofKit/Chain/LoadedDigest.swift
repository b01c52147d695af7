import TrailproofNative

/// A digest file as read from the store: its bytes' hash, parsed content or why it could not be parsed.
///
/// The log file list is built only for a digest whose signature has verified: what an
/// unauthenticated digest lists costs no memory (see `LoadedDigest.load`).
struct LoadedDigest: Sendable {
    /// Where the file was found.
    let name: DigestKeyName
    /// True when the digest's end time is inside the scope (it gets a record); false for a
    /// neighbour loaded only to check links at the scope's edges.
    let inScope: Bool
    /// SHA-256 of the uncompressed bytes, when they could be read.
    let uncompressedSHA256: String?
    /// The parsed digest, or the reason it is malformed.
    var content: Result<Digest, DigestLoadError>
    /// A signature saved beside the object, if any (nil once the chain is checked: see `dropChainLinks`).
    private(set) var savedSignature: SavedSignature?
    /// True when `content`'s logFiles were built.
    var logFilesParsed = false
    /// Where the logFiles array lies in the uncompressed bytes (the same on a second read: the hash is checked).
    private var logFilesRange = 0..<0
    /// Where the logFiles array's bytes were kept when it is built later (`Context.listSpill`).
    private var keptList: DigestListSpill.Segment?

    var digest: Digest? { try? content.get() }

    /// Lets go of the built log file list so that it can be built again (`parseLogFiles`).
    mutating func dropLogFileList() {
        releaseLogFileList()
        logFilesParsed = false
    }

    /// Lets go of the built log file list once every entry has become a job or a record (its
    /// count stays): at a million log files the lists are hundreds of megabytes.
    mutating func releaseLogFileList() {
        guard case .success(var digest) = content, !digest.logFiles.isEmpty else { return }
        digest.logFiles = []
        content = .success(digest)
    }

    /// Lets go of what only the chain checks need, once they are done: the previous digest's
    /// link (its signature alone is 512 characters) and the signature saved beside the digest.
    /// A location verified whole holds every one of its digests until its last log file is
    /// accounted for (2,500 for a quarter of one account and region), so what each keeps counts.
    /// What a signature check took from either is the check's own (`DigestCheck.signatureHex`).
    mutating func dropChainLinks() {
        savedSignature = nil
        guard case .success(var digest) = content, digest.previous != nil else { return }
        digest.previous = nil
        content = .success(digest)
    }

    /// What loading needs besides the key.
    struct Context: Sendable {
        let store: ObjectStore
        let keys: PublicKeyRing
        let sizeLimit: Int
        let gate: LargeObjectGate
        /// False when log file lists are built later, a group of digests at a time (a location
        /// too large to hold every list at once).
        var buildsLogFilesOnLoad = true
        /// Where, when lists are built later, each one's bytes are kept from the digest's read
        /// until then; without it, the digest is read again.
        var listSpill: DigestListSpill?
    }

    /// Reads, gunzips, hashes and parses the digest at `name.key`. Its log file list is built only
    /// when a signature saved with it verifies; otherwise `parseLogFiles(_:)` builds it later, once
    /// the chain has proven the digest authentic.
    static func load(_ name: DigestKeyName, inScope: Bool, context: Context, state: GunzipState) -> LoadedDigest {
        func failed(_ error: DigestLoadError, hash: String? = nil) -> LoadedDigest {
            // A digest that could not be fetched needs no signature: the run stops on it.
            var saved: SavedSignature?
            if case .fetchFailed = error {} else { saved = try? context.store.savedSignature(for: name.key) }
            return LoadedDigest(name: name, inScope: inScope, uncompressedSHA256: hash, content: .failure(error), savedSignature: saved)
        }
        let buffer = GatedBuffer(gate: context.gate, limit: context.sizeLimit)
        defer { buffer.release() }
        let hash: String
        switch read(name.key, into: buffer, context: context, state: state) {
        case .failure(let error): return failed(error)
        case .success(let value): hash = value
        }
        var content: Result<Digest, DigestLoadError>
        var logFilesRange = 0..<0
        do {
            content = .success(try Digest(json: buffer.bytes, logFilesRange: &logFilesRange))
        } catch {
            content = .failure(.badJSON("\(error)"))
        }
        let saved: SavedSignature?
        do {
            saved = try context.store.savedSignature(for: name.key)
        } catch StoreError.fetchFailed(let detail) {
            return failed(.fetchFailed(detail))
        } catch {
            saved = nil
        }
        var loaded = LoadedDigest(name: name, inScope: inScope, uncompressedSHA256: hash, content: content, savedSignature: saved)
        loaded.logFilesRange = logFilesRange
        if !context.buildsLogFilesOnLoad, case .success = content, let spill = context.listSpill {
            loaded.keptList = buffer.bytes.withUnsafeBytes { spill.keep(UnsafeRawBufferPointer(rebasing: $0[logFilesRange])) }
        }
        if context.buildsLogFilesOnLoad, case .success(let digest) = content, let saved, saved.conflict == nil,
           DigestSignatureCheck.problem(digest: digest, uncompressedSHA256: hash, signatureHex: saved.signatureHex,
                                        source: saved.source, keys: context.keys, isBackfill: name.chain.isBackfill) == nil {
            loaded.buildLogFiles(from: buffer.bytes, range: logFilesRange)
        }
        return loaded
    }

    /// Builds the log file list of a digest proven authentic after loading (its signature came
    /// from the chain): from the bytes kept when it was read, else reading it again (a file
    /// that changed in between is malformed).
    mutating func parseLogFiles(_ context: Context, state: GunzipState) {
        guard !logFilesParsed, case .success = content else { return }
        let buffer = GatedBuffer(gate: context.gate, limit: context.sizeLimit)
        defer { buffer.release() }
        if let kept = keptList, let spill = context.listSpill {
            do {
                try spill.read(kept, into: buffer)
                buildLogFiles(from: buffer.bytes, range: 0..<kept.length)
                return
            } catch {
                buffer.reset()  // read the digest again
            }
        }
        switch LoadedDigest.read(name.key, into: buffer, context: context, state: state) {
        case .failure(let error):
            content = .failure(error)
        case .success(let hash):
            guard hash == uncompressedSHA256 else {
                content = .failure(.unreadable("the file changed while it was being verified"))
                return
            }
            buildLogFiles(from: buffer.bytes, range: logFilesRange)
        }
    }

    private mutating func buildLogFiles(from bytes: [UInt8], range: Range<Int>) {
        guard case .success(var digest) = content else { return }
        do {
            try digest.parseLogFiles(from: bytes, range: range)
            content = .success(digest)
            logFilesParsed = true
        } catch {
            content = .failure(.badJSON("\(error)"))
        }
    }

    /// Streams the object through gunzip into `buffer`; returns the SHA-256 of the uncompressed bytes.
    private static func read(_ key: String, into buffer: GatedBuffer, context: Context, state: GunzipState) -> Result<String, DigestLoadError> {
        do {
            // The uncompressed size is capped by the buffer; the compressed size by the same limit
            // (a digest never compresses to more than it inflates to).
            guard let hash = try context.store.gunzipAndHash(key, decoder: state.decoder, sha256: state.digest,
                                                             compressedLimit: context.sizeLimit, restart: { buffer.reset() },
                                                             { try buffer.append($0) })
            else { return .failure(.absent) }
            return .success(hash.hex)
        } catch let error as DigestLoadError {
            return .failure(error)
        } catch let error as ObjectSizeLimitExceeded {
            return .failure(.tooLarge(limit: error.limit))
        } catch let error as GzipError {
            return .failure(.notGzip("\(error)"))
        } catch StoreError.fetchFailed(let detail) {
            return .failure(.fetchFailed(detail))
        } catch {
            return .failure(.unreadable("\(error)"))
        }
    }
}

/// Why a digest file could not be used.
enum DigestLoadError: Error, Sendable, CustomStringConvertible {
    case absent
    case unreadable(String)
    case notGzip(String)
    case badJSON(String)
    case tooLarge(limit: Int)
    /// The store could not deliver it (access denied, retries exhausted): not a finding, an error.
    case fetchFailed(String)

    var description: String {
        switch self {
        case .absent: return "object vanished while verifying"
        case .unreadable(let detail): return "unreadable: \(detail)"
        case .notGzip(let detail): return "not a gzip file: \(detail)"
        case .badJSON(let detail): return "not a digest: \(detail)"
        case .tooLarge(let limit): return "uncompressed size exceeds the limit of \(limit) bytes"
        case .fetchFailed(let detail): return detail
        }
    }
}
