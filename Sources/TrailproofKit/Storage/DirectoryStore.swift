import Synchronization
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
    /// Resolved directories by key prefix, so that a file costs one lstat rather than a realpath.
    private let resolvedDirectories = ResolvedDirectoryCache()
    /// When set, `listKeys` skips the date folders (`YYYY/MM/DD` under a trail folder's region)
    /// before this day, as `S3Store` does with start-after: an incremental run reads only what
    /// came after what it verified before. `listObjects` always lists everything.
    public var listFrom: UTCTime?

    /// Opens `root`.
    /// - Throws: `StoreError.storeUnusable` when it is not a readable directory.
    /// The same directory, listed whole.
    public func withoutListingWindow() -> any ObjectStore {
        var whole = self
        whole.listFrom = nil
        return whole
    }

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
        try listKeys(from: listFrom)
    }

    /// Pages of `listingPageSize` keys, as the directory walk finds them.
    public func forEachListingPage(_ body: ([String]) throws -> Void) throws {
        var page: [String] = []
        page.reserveCapacity(listingPageSize)
        var visited: Set<ObjectKey> = [ObjectKey(resolvedRoot)]
        try walk(directory: resolvedRoot, keyPrefix: "", visited: &visited, floor: listFrom?.keyDatePath) { key in
            page.append(key)
            if page.count == listingPageSize {
                try body(page)
                page.removeAll(keepingCapacity: true)
            }
        }
        if !page.isEmpty { try body(page) }
    }

    /// Keys per page of `forEachListingPage`.
    var listingPageSize = 4096

    /// Walks the directory of `folder` only (windowed as `listKeys` is: nothing for a date folder
    /// wholly before `listFrom`); nothing when it does not exist, or is not a directory inside the root.
    public func listKeys(under folder: String) throws -> [String] {
        var trimmed = folder
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard !trimmed.isEmpty else { return try listKeys() }
        if let floor = listFrom?.keyDatePath, Self.isDateFolder(trimmed + "/", before: floor) { return [] }
        // Only what could lead out of the root is refused here: a folder no key may be read
        // through (a backslash in a directory's name, say) is still walked, so its objects are
        // findings rather than a reason to stop. Where it resolves is checked below.
        // Byte-wise, as the file system splits paths (see `checkKeyIsSafe`).
        let components = trimmed.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let dot = UInt8(ascii: ".")
        guard trimmed.utf8.first != UInt8(ascii: "/"), !trimmed.utf8.contains(0),
              !components.contains(where: { $0.isEmpty || $0.elementsEqual([dot]) || $0.elementsEqual([dot, dot]) })
        else { return [] }
        guard let resolved = LocalFile.realPath(root + "/" + trimmed), isInsideRoot(resolved),
              (try? LocalFile.kind(of: resolved)) == .directory else { return [] }
        var keys: [String] = []
        var visited: Set<ObjectKey> = [ObjectKey(resolvedRoot), ObjectKey(resolved)]
        try walk(directory: resolved, keyPrefix: trimmed + "/", visited: &visited, floor: listFrom?.keyDatePath) { keys.append($0) }
        return keys
    }

    private func listKeys(from day: UTCTime?) throws -> [String] {
        var keys: [String] = []
        var visited: Set<ObjectKey> = [ObjectKey(resolvedRoot)]
        try walk(directory: resolvedRoot, keyPrefix: "", visited: &visited, floor: day?.keyDatePath) { keys.append($0) }
        return keys
    }

    /// Every file with its size and modification time (as its content tag), never windowed.
    public func listObjects() throws -> [ListedObject] {
        try listKeys(from: nil).map { key in
            let status = (try? path(for: key)).flatMap { $0 }.flatMap(LocalFile.sizeAndModification)
            return ListedObject(key: key, size: status?.size, tag: status.map { String($0.modified) })
        }
    }

    /// True when the folder `key` (ending in /) is a date folder of a trail folder that lies
    /// wholly before `floor` (`YYYY/MM/DD`).
    static func isDateFolder(_ key: String, before floor: String) -> Bool {
        let parts = TrailObjectKey.split(key, on: UInt8(ascii: "/")).dropLast()
        guard let trail = parts.lastIndex(where: { $0.sameBytes(as: "CloudTrail") || $0.sameBytes(as: "CloudTrail-Digest") }), trail + 2 < parts.endIndex
        else { return false }
        let date = parts[(trail + 2)...]
        guard (1...3).contains(date.count),
              zip(date, [4, 2, 2]).allSatisfy({ $0.utf8.count == $1 && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } })
        else { return false }
        let path = date.joined(separator: "/")
        return path.bytesPrecede(String(floor.prefix(path.utf8.count)))
    }

    /// Emits the key of every entry below `directory`, so that each is accounted for: regular
    /// files, links (followed only inside the root; one leading out of it, or nowhere, is emitted
    /// as it is and refused when read), anything else (a FIFO, a socket, a device: emitted, never
    /// read), and names that are not UTF-8 (emitted in the lossless form of
    /// `ObjectKey.text(fromBytes:)`, never read, a folder of them not entered).
    private func walk(directory: String, keyPrefix: String, visited: inout Set<ObjectKey>, floor: String?,
                      _ emit: (String) throws -> Void) throws {
        let entries: [(name: String, kind: FileKind, invalidName: [UInt8]?)]
        do {
            entries = try LocalFile.listDirectory(directory)
        } catch {
            throw StoreError.storeUnusable("cannot list \(directory): \(error)")
        }
        for entry in entries {
            if let invalidName = entry.invalidName {
                try emit(keyPrefix + ObjectKey.text(fromBytes: invalidName))
                continue
            }
            let key = Self.joined(keyPrefix, entry.name)
            var path: String { directory + "/" + entry.name }
            switch entry.kind {
            case .regular, .other:
                try emit(key)
            case .directory:
                if let floor, Self.isDateFolder(key + "/", before: floor) { continue }
                try walk(directory: path, keyPrefix: key + "/", visited: &visited, floor: floor, emit)
            case .symlink:
                guard let target = LocalFile.realPath(path), isInsideRoot(target) else { try emit(key); continue }
                switch try? LocalFile.kind(of: target) {
                case .directory:
                    guard visited.insert(ObjectKey(target)).inserted else { continue }
                    if let floor, Self.isDateFolder(key + "/", before: floor) { continue }
                    try walk(directory: target, keyPrefix: key + "/", visited: &visited, floor: floor, emit)
                default:
                    try emit(key)
                }
            }
        }
    }

    /// `prefix + name` in storage of its own size: `+` gives the copy of `prefix` room to grow,
    /// about twice the key's length, and a listing keeps every key it emits.
    static func joined(_ prefix: String, _ name: String) -> String {
        let count = prefix.utf8.count + name.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            let head = buffer.initialize(fromContentsOf: prefix.utf8)
            return head + UnsafeMutableBufferPointer(rebasing: buffer[head...]).initialize(fromContentsOf: name.utf8)
        }
    }

    private func isInsideRoot(_ resolved: String) -> Bool {
        resolved.sameBytes(as: resolvedRoot) || resolved.hasBytePrefix(resolvedRoot.sameBytes(as: "/") ? "/" : resolvedRoot + "/")
    }

    /// The file path for `key`, or nil when nothing exists there.
    /// - Throws: `StoreError.unsafeKey` when the key cannot name a file inside the root.
    public func path(for key: String) throws -> String? {
        try DirectoryStore.checkKeyIsSafe(key)
        // Fast path: the key's directory resolved once (cached), then one lstat of the leaf.
        // Anything unusual (a symlinked leaf, a directory that does not resolve) takes the slow path.
        if let candidate = directPath(forSafeKey: key) {
            switch try? LocalFile.kind(of: candidate) {
            case nil: return nil
            case .regular?: return candidate
            default: break
            }
        }
        return try slowPath(for: key)
    }

    /// The path of a key already checked safe, from its directory resolved once (cached) and its
    /// leaf, without a stat; nil when the directory does not resolve or resolves outside the
    /// root (the slow path then decides).
    private func directPath(forSafeKey key: String) -> String? {
        guard let (directory, slash) = directDirectory(forSafeKey: key) else { return nil }
        return directory.path + key[slash...]
    }

    /// The directory of a key already checked safe, resolved once (cached) and held open when
    /// it can be, with the index of the key's last "/"; nil as for `directPath`.
    private func directDirectory(forSafeKey key: String) -> (directory: ResolvedDirectory, slash: String.Index)? {
        guard let slash = key.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        if let latest = resolvedDirectories.latest(holding: key, slash: slash) { return latest.map { ($0, slash) } }
        let directoryKey = String(key[..<slash])
        let directory: ResolvedDirectory?
        if let cached = resolvedDirectories.get(directoryKey) {
            directory = cached
        } else {
            guard let resolved = LocalFile.realPath(root + "/" + directoryKey) else { return nil }
            directory = isInsideRoot(resolved) ? ResolvedDirectory(path: resolved, handle: OpenDirectory(path: resolved)) : nil
            resolvedDirectories.set(directoryKey, directory)
        }
        guard let directory else { return nil }
        return (directory, slash)
    }

    private func slowPath(for key: String) throws -> String? {
        let path = root + "/" + key
        guard LocalFile.exists(path) else { return nil }
        guard let resolved = LocalFile.realPath(path) else {
            throw StoreError.unreadable(key: key, detail: "a link that leads nowhere (or in a loop)")
        }
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
        if key.utf8.withContiguousStorageIfAvailable(isPlainlySafe) == true { return }
        func refuse(_ reason: String) -> StoreError { .unsafeKey(key: key, reason: reason) }
        // Byte-wise, as the file system splits paths: Character-wise checks are slow and miss a
        // ".." component whose following "/" carries a combining mark ("../\u{301}x").
        let bytes = key.utf8
        guard !bytes.isEmpty else { throw refuse("empty key") }
        // One pass over the bytes; the reasons are then given in this order.
        var length = 0, dots = 0
        var hasNUL = false, hasBackslash = false
        var componentProblem: String?
        func checkComponent() {
            guard componentProblem == nil else { return }
            if length == 2 && dots == 2 { componentProblem = "contains a .. component" }
            if length == 0 || (length == 1 && dots == 1) { componentProblem = "contains an empty or . component" }
        }
        for byte in bytes {
            switch byte {
            case 0:
                hasNUL = true
                length += 1
            case UInt8(ascii: "\\"):
                hasBackslash = true
                length += 1
            case UInt8(ascii: "/"):
                checkComponent()
                (length, dots) = (0, 0)
            case UInt8(ascii: "."):
                length += 1
                dots += 1
            default:
                length += 1
            }
        }
        checkComponent()
        guard !hasNUL else { throw refuse("contains a NUL byte") }
        guard !hasBackslash else { throw refuse("contains a backslash") }
        guard bytes.first != UInt8(ascii: "/") else { throw refuse("is an absolute path") }
        if let componentProblem { throw refuse(componentProblem) }
        guard bytes.count <= 4096 else { throw refuse("longer than 4096 bytes") }
    }

    /// True for a key that needs no closer look (every key of a trail): 1 to 4096 bytes, not
    /// starting with "/", no NUL or backslash, no empty, "." or ".." component. One tight pass.
    private static func isPlainlySafe(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // A leading "/" is an empty first component.
        !bytes.isEmpty && bytes.count <= 4096 && TrailObjectKey.hasPlainComponents(bytes, refusingBackslash: true)
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
        // Opened without following a link, and only when a regular file (a device or FIFO is
        // never read): in one open, no stat before it. Anything else there (a symlinked leaf,
        // a directory, a directory that does not resolve) takes `path(for:)`, which follows a
        // link inside the root and refuses the rest; what it found is opened the same way, so
        // what was swapped in since is not read.
        // In a directory held open, the file is opened by its name there (the directory was
        // resolved inside the root when it was opened, and is not walked to again). Nothing
        // there by that name takes `path(for:)` too, in case the directory was replaced since.
        try DirectoryStore.checkKeyIsSafe(key)
        var restarted = false
        if let (directory, slash) = directDirectory(forSafeKey: key) {
            try restart()
            restarted = true
            if let handle = directory.handle {
                switch try LocalFile.streamRegularFile(named: key[key.utf8.index(after: slash)...], in: handle, chunkSize: 256 * 1024, body) {
                case .read: return true
                case .absent, .notRegular: break
                }
            } else {
                switch try LocalFile.streamRegularFile(directory.path + key[slash...], chunkSize: 256 * 1024, body) {
                case .read: return true
                case .absent: return false
                case .notRegular: break
                }
            }
        }
        guard let path = try path(for: key) else { return false }
        if !restarted { try restart() }
        switch try LocalFile.streamRegularFile(path, chunkSize: 256 * 1024, body) {
        case .read: return true
        case .absent: return false
        case .notRegular: throw StoreError.unreadable(key: key, detail: "it stopped being a regular file while it was being opened")
        }
    }

    /// The sidecar `<key>.metadata.json` first, then the `user.signature` extended attribute; when
    /// both exist they must agree, else the result carries a conflict.
    public func savedSignature(for key: String) throws -> SavedSignature? {
        guard let path = try path(for: key) else { return nil }
        var fromSidecar: SavedSignature?
        if let sidecar = try? self.path(for: key + SavedSignature.sidecarSuffix) {
            do {
                fromSidecar = SavedSignature(metadataJSON: try LocalFile.readAll(sidecar, limit: 1 << 20))
            } catch {
                fromSidecar = SavedSignature(conflict: "the sidecar cannot be read: \(error)")
            }
        }
        var fromAttribute: SavedSignature?
        if let value = LocalFile.extendedAttribute("user.signature", of: path) {
            let algorithm = LocalFile.extendedAttribute("user.signature-algorithm", of: path)
            fromAttribute = SavedSignature(
                signatureHex: String(decoding: value, as: UTF8.self).trimmingWhitespace.lowercased(),
                algorithm: algorithm.map { String(decoding: $0, as: UTF8.self).trimmingWhitespace },
                source: .extendedAttribute)
        }
        if var sidecar = fromSidecar, let attribute = fromAttribute, sidecar.conflict == nil,
           sidecar.signatureHex != attribute.signatureHex {
            sidecar.conflict = "the sidecar and the user.signature extended attribute hold different signatures"
            return sidecar
        }
        return fromSidecar ?? fromAttribute
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

/// A key's directory resolved inside the root: its path, and the directory held open (nil when
/// it could not be opened; its files are then opened by path).
private struct ResolvedDirectory: Sendable {
    let path: String
    let handle: OpenDirectory?
}

/// Thread-safe memo of resolved directories (shared by the copies of one store): nil for one
/// that resolves outside the root. It holds at most `limit` (each may hold a file descriptor):
/// past that it starts over, and a directory dropped is closed once no read uses it.
private final class ResolvedDirectoryCache: Sendable {
    private struct Entries {
        var map: [ObjectKey: ResolvedDirectory?] = [:]
        /// The folder looked up last: log files come a folder at a time, so most lookups are
        /// this one, answered by comparing bytes (no key made, nothing hashed).
        var latest: (key: String, directory: ResolvedDirectory?)?
    }

    private let entries = Mutex(Entries())
    static let limit = 256

    /// What the latest folder looked up resolved to, when `key` (up to `slash`) is in it;
    /// nil when it is in another.
    func latest(holding key: String, slash: String.Index) -> ResolvedDirectory?? {
        entries.withLock { entries in
            guard let latest = entries.latest, key[..<slash].sameBytes(as: latest.key) else { return nil }
            return .some(latest.directory)
        }
    }

    func get(_ key: String) -> ResolvedDirectory?? {
        entries.withLock { entries in
            guard let found = entries.map[ObjectKey(key)] else { return nil }
            entries.latest = (key, found)
            return .some(found)
        }
    }

    func set(_ key: String, _ value: ResolvedDirectory?) {
        entries.withLock {
            if $0.map.count >= Self.limit { $0.map.removeAll() }
            $0.map[ObjectKey(key)] = value
            $0.latest = (key, value)
        }
    }
}
