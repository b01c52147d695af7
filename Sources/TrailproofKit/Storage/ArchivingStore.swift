import FoundationEssentials
import Synchronization
import TrailproofNative

/// Copies a remote store into a directory while the verifier reads it: every object read is
/// written to `directory/<key>` (through a temporary file renamed when complete), every
/// signature read is saved as `<key>.metadata.json`, and objects already copied are read from
/// disk instead of fetched again, so an interrupted archive resumes where it stopped.
public final class ArchivingStore: ObjectStore {
    /// Where objects come from.
    public let source: ObjectStore
    /// The archive's directory (the copy's bucket root).
    public let directory: String
    private let counters = Mutex<(fetched: Int, reused: Int, bytes: Int64)>((0, 0, 0))

    /// Archives `source` into `directory` (created if needed).
    public init(source: ObjectStore, directory: String) throws {
        self.source = source
        self.directory = directory
        try LocalFile.makeDirectories(directory)
    }

    /// Objects fetched, objects found already copied, and bytes written.
    public var statistics: (fetched: Int, reused: Int, bytes: Int64) { counters.withLock { $0 } }

    public var displayName: String { source.displayName }

    public func listKeys() throws -> [String] { try source.listKeys() }

    public func forEachListingPage(_ body: ([String]) throws -> Void) throws { try source.forEachListingPage(body) }

    public func listKeys(under folder: String) throws -> [String] { try source.listKeys(under: folder) }

    private func localPath(_ key: String) throws -> String {
        try DirectoryStore.checkKeyIsSafe(key)
        return directory + "/" + key
    }

    public func readObject(_ key: String, limit: Int) throws -> [UInt8]? {
        try collectObject(key, limit: limit)
    }

    public func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        let path = try localPath(key)
        if (try? LocalFile.kind(of: path)) == .regular {
            counters.withLock { $0.reused += 1 }
            try restart()
            try LocalFile.stream(path, chunkSize: 256 * 1024, body)
            return true
        }
        // One name per key: a transfer killed mid-way leaves at most this file, replaced next time.
        let partial = path + ".partial"
        try LocalFile.makeDirectories(parentOf: path)
        var file: FileOutput?
        defer {
            file?.close()
            try? LocalFile.remove(partial)
        }
        var written: Int64 = 0
        // The copy is kept even when the reader rejects the content (a corrupt log file is evidence).
        var readerError: Error?
        let found = try source.streamObject(key, restart: {
            file?.close()
            file = try FileOutput(path: partial)
            written = 0
            readerError = nil
            try restart()
        }) { chunk in
            try file?.write(chunk)
            written += Int64(chunk.count)
            guard readerError == nil else { return }
            do {
                try body(chunk)
            } catch let error as ObjectSizeLimitExceeded {
                throw error  // past the reader's limit: copying on would be as unbounded as reading
            } catch {
                readerError = error
            }
        }
        guard found else { return false }
        file?.close()
        file = nil
        try LocalFile.rename(partial, to: path)
        counters.withLock { $0.fetched += 1; $0.bytes += written }
        if let readerError { throw readerError }
        return true
    }

    public func savedSignature(for key: String) throws -> SavedSignature? {
        let sidecar = try localPath(key) + SavedSignature.sidecarSuffix
        if let bytes = try? LocalFile.readAll(sidecar, limit: 1 << 20), let saved = SavedSignature(metadataJSON: bytes) {
            return saved
        }
        guard let saved = try source.savedSignature(for: key) else { return nil }
        try LocalFile.write(saved.metadataJSON, to: sidecar)
        return saved
    }

    /// Copies `key` without reading it for verification (unreferenced log files, for the record),
    /// up to `limit` bytes (the log-file limit: no object is copied without bound).
    /// - Throws: `StoreError.fetchFailed` for an object larger than `limit` (nothing of it is kept).
    public func copy(_ key: String, limit: Int = VerificationOptions.defaultLogFileSizeLimit) throws {
        var copied = 0
        do {
            _ = try streamObject(key, restart: { copied = 0 }) { chunk in
                copied += chunk.count
                if copied > limit { throw ObjectSizeLimitExceeded(measure: .compressed, limit: limit) }
            }
        } catch let error as ObjectSizeLimitExceeded {
            throw StoreError.fetchFailed("\(TerminalText.escaped(key)): \(error); not archived")
        }
    }

    /// Copies the log files listed by the digests the archive holds outside the window of
    /// `plan` (the neighbours read for the links at its edges), so that the archive verifies
    /// whole with nothing narrowing it. Only keys present in the plan's listing are fetched.
    /// - Returns: the number of log files copied or already there.
    public func completeEdgeDigests(plan: RunPlan) throws -> Int {
        let (scope, options) = (plan.scope, plan.policy)
        guard scope.start != nil || scope.end != nil else { return 0 }
        let copy = try DirectoryStore(root: directory)
        var count = 0
        for names in TrailInventory(keys: try copy.listKeys()).digestsByChain.values {
            for name in names where !scope.includesDigest(endingAt: name.endTime) {
                guard let compressed = try copy.readObject(name.key, limit: options.digestSizeLimit),
                      let json = try? Gzip.decompress(compressed, limit: options.digestSizeLimit),
                      let digest = try? Digest(json: json) else { continue }
                let present = try plan.listed(digest.logFiles.map(\.object))
                for entry in digest.logFiles where present.contains(ObjectKey(entry.object)) {
                    try self.copy(entry.object, limit: options.logFileCompressedLimit)
                    count += 1
                }
            }
        }
        return count
    }
}

/// A file being written, closed exactly once.
private final class FileOutput {
    private var descriptor: Int32

    init(path: String) throws { descriptor = try LocalFile.openForWriting(path) }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        try LocalFile.write(chunk, to: descriptor)
    }

    func close() {
        if descriptor >= 0 { LocalFile.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
