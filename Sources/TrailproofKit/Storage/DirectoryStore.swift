import TrailproofNative

/// A local copy of a bucket: the directory `root` holds the bucket's keys as relative paths.
///
/// Keys never resolve outside the root: `..`, absolute keys, NUL and backslashes are refused, and
/// a symbolic link is followed only when its target is inside the root.
public struct DirectoryStore: ObjectStore {
    /// The directory as given.
    public let root: String
    /// The directory with every link resolved.
    public let resolvedRoot: String

    /// Opens `root`.
    /// - Throws: `StoreError.storeUnusable` when it is not a readable directory.
    public init(root: String) throws {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let resolved = LocalFile.realPath(trimmed), (try? LocalFile.kind(of: resolved)) == .directory else {
            throw StoreError.storeUnusable("\(root) is not a readable directory")
        }
        self.root = trimmed
        self.resolvedRoot = resolved
    }

    public var displayName: String { root }

    public func listKeys() throws -> [String] {
        var keys: [String] = []
        var visited: Set<String> = [resolvedRoot]
        try walk(directory: resolvedRoot, keyPrefix: "", keys: &keys, visited: &visited)
        return keys
    }

    private func walk(directory: String, keyPrefix: String, keys: inout [String], visited: inout Set<String>) throws {
        let entries: [(name: String, kind: FileKind)]
        do {
            entries = try LocalFile.listDirectory(directory)
        } catch {
            throw StoreError.storeUnusable("cannot list \(directory): \(error)")
        }
        for entry in entries {
            let path = directory + "/" + entry.name
            let key = keyPrefix + entry.name
            switch entry.kind {
            case .regular:
                keys.append(key)
            case .directory:
                try walk(directory: path, keyPrefix: key + "/", keys: &keys, visited: &visited)
            case .symlink:
                guard let target = LocalFile.realPath(path), isInsideRoot(target) else { continue }
                switch try? LocalFile.kind(of: target) {
                case .regular: keys.append(key)
                case .directory:
                    guard visited.insert(target).inserted else { continue }
                    try walk(directory: target, keyPrefix: key + "/", keys: &keys, visited: &visited)
                default: continue
                }
            case .other:
                continue
            }
        }
    }

    private func isInsideRoot(_ resolved: String) -> Bool {
        resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/")
    }

    /// The file path for `key`, or nil when nothing exists there.
    /// - Throws: `StoreError.unsafeKey` when the key cannot name a file inside the root.
    public func path(for key: String) throws -> String? {
        try DirectoryStore.checkKeyIsSafe(key)
        let path = root + "/" + key
        guard LocalFile.exists(path) else { return nil }
        guard let resolved = LocalFile.realPath(path) else { return nil }
        guard isInsideRoot(resolved) else {
            throw StoreError.unsafeKey(key: key, reason: "resolves outside the archive root")
        }
        guard (try? LocalFile.kind(of: resolved)) == .regular else {
            throw StoreError.unreadable(key: key, detail: "not a regular file")
        }
        return resolved
    }

    /// Refuses keys that could escape the root or name something other than one file below it.
    static func checkKeyIsSafe(_ key: String) throws {
        func refuse(_ reason: String) -> StoreError { .unsafeKey(key: key, reason: reason) }
        guard !key.isEmpty else { throw refuse("empty key") }
        guard !key.utf8.contains(0) else { throw refuse("contains a NUL byte") }
        guard !key.contains("\\") else { throw refuse("contains a backslash") }
        guard !key.hasPrefix("/") else { throw refuse("is an absolute path") }
        for component in key.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { throw refuse("contains a .. component") }
            if component == "." || component.isEmpty { throw refuse("contains an empty or . component") }
        }
        guard key.utf8.count <= 4096 else { throw refuse("longer than 4096 bytes") }
    }

    public func readObject(_ key: String, limit: Int) throws -> [UInt8]? {
        guard let path = try path(for: key) else { return nil }
        do {
            return try LocalFile.readAll(path, limit: limit)
        } catch {
            throw StoreError.unreadable(key: key, detail: "\(error)")
        }
    }

    public func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard let path = try path(for: key) else { return false }
        try restart()
        try LocalFile.stream(path, chunkSize: 256 * 1024, body)
        return true
    }

    public func savedSignature(for key: String) throws -> SavedSignature? {
        guard let path = try path(for: key) else { return nil }
        if let sidecar = try? self.path(for: key + ".metadata.json"),
           let bytes = try? LocalFile.readAll(sidecar, limit: 1 << 20) {
            if let saved = SavedSignature(metadataJSON: bytes) { return saved }
        }
        if let value = LocalFile.extendedAttribute("user.signature", of: path) {
            let algorithm = LocalFile.extendedAttribute("user.signature-algorithm", of: path)
            return SavedSignature(
                signatureHex: String(decoding: value, as: UTF8.self).trimmingWhitespace,
                algorithm: algorithm.map { String(decoding: $0, as: UTF8.self).trimmingWhitespace },
                source: .extendedAttribute)
        }
        return nil
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
