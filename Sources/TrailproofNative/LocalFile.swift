internal import CTrailproof
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a directory entry is, as `lstat` sees it (links are not followed).
public enum FileKind: Sendable, Equatable {
    case regular, directory, symlink, other
}

/// Thin, throwing wrappers over the POSIX file calls trailproof needs.
public enum LocalFile {
    /// Names and kinds of the entries of directory `path` (without "." and ".."). A name that is
    /// not UTF-8 comes with its bytes as `invalidName` (its `name` is then lossy, its kind `.other`).
    public static func listDirectory(_ path: String) throws -> [(name: String, kind: FileKind, invalidName: [UInt8]?)] {
        try refuseNUL(in: path, "open directory \(path)")
        guard let dir = opendir(path) else { throw systemError("open directory \(path)") }
        defer { closedir(dir) }
        var entries: [(String, FileKind, [UInt8]?)] = []
        while let entry = readdir(dir) {
            let (name, invalidName) = withUnsafeBytes(of: entry.pointee.d_name) { raw -> (String, [UInt8]?) in
                let bytes = raw.prefix { $0 != 0 }
                if let name = String(validating: bytes, as: UTF8.self) { return (name, nil) }
                return (String(decoding: bytes, as: UTF8.self), Array(bytes))
            }
            if invalidName == nil && (name.utf8.elementsEqual(".".utf8) || name.utf8.elementsEqual("..".utf8)) { continue }
            // A name that is not UTF-8 cannot be named by a Swift path: its kind is not looked up.
            guard invalidName == nil else {
                entries.append((name, .other, invalidName))
                continue
            }
            // d_type saves an lstat per entry; file systems that do not fill it in get the lstat.
            let kind: FileKind
            switch Int(entry.pointee.d_type) {
            case Int(DT_REG): kind = .regular
            case Int(DT_DIR): kind = .directory
            case Int(DT_LNK): kind = .symlink
            case Int(DT_UNKNOWN): kind = try self.kind(of: path + "/" + name)
            default: kind = .other
            }
            entries.append((name, kind, nil))
        }
        return entries
    }

    /// The kind of `path` without following a final symlink.
    public static func kind(of path: String) throws -> FileKind {
        try refuseNUL(in: path, "stat \(path)")
        var info = stat()
        guard lstat(path, &info) == 0 else { throw systemError("stat \(path)") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// True when something (of any kind) exists at `path`, without following a final symlink.
    public static func exists(_ path: String) -> Bool {
        guard isWholeCString(path) else { return false }
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The canonical absolute path with every symlink resolved, or nil when it does not resolve.
    public static func realPath(_ path: String) -> String? {
        guard isWholeCString(path), let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads the whole file, refusing files larger than `limit` bytes.
    public static func readAll(_ path: String, limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        try stream(path, chunkSize: 64 * 1024) { chunk in
            guard out.count + chunk.count <= limit else {
                throw NativeError(.system, "read \(path)", detail: "larger than \(limit) bytes")
            }
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// What `streamRegularFile` found at a path.
    public enum RegularFileRead: Sendable {
        /// A regular file, read to its end.
        case read
        /// Nothing there.
        case absent
        /// Something else (a symbolic link as the last component, a directory, a FIFO): not read.
        case notRegular
    }

    /// Reads `path` like `stream` when it is a regular file, in one open (no separate stat):
    /// a symbolic link as its last component is not followed, and a FIFO never blocks the open.
    public static func streamRegularFile(_ path: String, chunkSize: Int = 1 << 20,
                                         _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> RegularFileRead {
        try refuseNUL(in: path, "open \(path)")
        return try streamRegularFile(opened: open(path, regularFileFlags), path: path, chunkSize: chunkSize, body)
    }

    /// `streamRegularFile` of the entry `name` (one component, no "/") of an open directory:
    /// opened relative to it (`openat`), so that the kernel looks up one name rather than
    /// walking the directory's whole path again for each file.
    public static func streamRegularFile(named name: String, in directory: OpenDirectory, chunkSize: Int = 1 << 20,
                                         _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> RegularFileRead {
        try refuseNUL(in: name, "open \(directory.path)/\(name)")
        return try streamRegularFile(opened: openat(directory.descriptor, name, regularFileFlags),
                                     path: directory.path + "/" + name, chunkSize: chunkSize, body)
    }

    /// `streamRegularFile(named:in:)` of a name that ends its string (a key's last component):
    /// opened from the string's own bytes, which end in a NUL, with no copy made of the name.
    public static func streamRegularFile(named name: Substring, in directory: OpenDirectory, chunkSize: Int = 1 << 20,
                                         _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> RegularFileRead {
        try refuseNUL(in: name, "open \(directory.path)/\(name)")
        let whole = name.base
        guard name.endIndex == whole.endIndex else {
            return try streamRegularFile(named: String(name), in: directory, chunkSize: chunkSize, body)
        }
        let offset = whole.utf8.distance(from: whole.utf8.startIndex, to: name.utf8.startIndex)
        let fd = whole.withCString { openat(directory.descriptor, $0 + offset, regularFileFlags) }
        return try streamRegularFile(opened: fd, path: directory.path + "/" + name, chunkSize: chunkSize, body)
    }

    /// How `streamRegularFile` opens: a final link not followed, a FIFO not waited on.
    private static let regularFileFlags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK

    /// `streamRegularFile` of what `open` or `openat` returned (`fd`, or -1 with `errno`).
    private static func streamRegularFile(opened fd: Int32, path: @autoclosure () -> String, chunkSize: Int,
                                          _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> RegularFileRead {
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .absent }
            if errno == ELOOP || errno == ENXIO || errno == EISDIR { return .notRegular }
            throw systemError("open \(path())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw systemError("stat \(path())") }
        guard info.st_mode & S_IFMT == S_IFREG else { return .notRegular }
        try readChunks(fd, path: path(), chunkSize: chunkSize, size: Int64(info.st_size), body)
        return .read
    }

    /// Reads `path` in chunks of at most `chunkSize` bytes, handing each to `body`.
    public static func stream(_ path: String, chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try refuseNUL(in: path, "open \(path)")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw systemError("open \(path)") }
        defer { close(fd) }
        try readChunks(fd, path: path, chunkSize: chunkSize, body)
    }

    /// Reads to the end. With `size` (what `fstat` said), a short read that reaches it is the
    /// end: a regular file's read comes up short only there, so the read that would return
    /// nothing is saved (one system call per file). A file that grew since keeps being read.
    private static func readChunks(_ fd: Int32, path: @autoclosure () -> String, chunkSize: Int, size: Int64? = nil,
                                   _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let chunkSize = readBufferSize(chunkSize: chunkSize, fileSize: size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let count = read(fd, buffer.baseAddress, chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError("read \(path())")
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
            total += Int64(count)
            if count < chunkSize, total == size { return }
        }
    }

    /// The read buffer for a file of `fileSize` bytes (when known): one byte more than the file,
    /// so that one short read takes it whole, but at least `smallReadBuffer` (a file that grows
    /// while it is read is still read in fair chunks) and at most `chunkSize`. A small file (a
    /// log file is often 1-2 KB) then takes a block from the heap rather than a mapping of
    /// `chunkSize` of its own (`Allocator.mapAllocations`), which cost a mapping, a page fault
    /// and an unmap per file.
    static func readBufferSize(chunkSize: Int, fileSize: Int64?) -> Int {
        let chunkSize = max(1, chunkSize)
        guard let fileSize, fileSize >= 0, fileSize < Int64(chunkSize) else { return chunkSize }
        return min(chunkSize, max(smallReadBuffer, Int(fileSize) + 1))
    }

    /// The smallest read buffer `readBufferSize` gives: well below the mapping threshold.
    static let smallReadBuffer = 16 << 10

    /// Writes `bytes` to `path`, replacing it, creating parent directories as needed.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try refuseNUL(in: path, "create \(path)")
        try makeDirectories(parentOf: path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw systemError("create \(path)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                systemWrite(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw systemError("write \(path)")
            }
            offset += written
        }
    }

    /// Creates every missing directory above `path`.
    public static func makeDirectories(parentOf path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        try makeDirectories(String(path[..<slash]))
    }

    /// Creates `path` and every missing directory above it.
    public static func makeDirectories(_ path: String) throws {
        try refuseNUL(in: path, "create directory \(path)")
        if path.isEmpty || exists(path) { return }
        if let slash = path.lastIndex(of: "/") { try makeDirectories(String(path[..<slash])) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw systemError("create directory \(path)") }
    }

    /// Removes a file (not a directory); missing files are not an error.
    public static func remove(_ path: String) throws {
        try refuseNUL(in: path, "remove \(path)")
        if unlink(path) != 0 && errno != ENOENT { throw systemError("remove \(path)") }
    }

    /// Reads extended attribute `name` of `path`; nil when the file has no such attribute
    /// or the file system has no extended attributes.
    public static func extendedAttribute(_ name: String, of path: String) -> [UInt8]? {
        guard isWholeCString(path), isWholeCString(name) else { return nil }
        let size = systemGetxattr(path, name, nil, 0)
        guard size > 0, size < 1 << 20 else { return nil }
        var value = [UInt8](repeating: 0, count: size)
        let read = systemGetxattr(path, name, &value, size)
        guard read >= 0 else { return nil }
        return Array(value.prefix(read))
    }

    /// Sets extended attribute `name` on `path`.
    public static func setExtendedAttribute(_ name: String, value: [UInt8], on path: String) throws {
        try refuseNUL(in: path + name, "set \(name) on \(path)")
        guard systemSetxattr(path, name, value, value.count) == 0 else { throw systemError("set \(name) on \(path)") }
    }

    /// True when standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    private static func systemError(_ operation: String) -> NativeError {
        NativeError(.system, operation, detail: String(cString: strerror(errno)))
    }

    /// True when `name` reaches a system call whole. The call takes a C string, which ends at
    /// the first NUL: a name holding one would name its prefix, another file. Every path and
    /// name handed to the system here is checked, whatever the caller checked before.
    static func isWholeCString(_ name: some StringProtocol) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { bytes in bytes.isEmpty || memchr(bytes.baseAddress!, 0, bytes.count) == nil }
            ?? !name.utf8.contains(0)
    }

    /// Throws for a name `isWholeCString` refuses; `operation` as the error names it.
    static func refuseNUL(in name: some StringProtocol, _ operation: @autoclosure () -> String) throws {
        guard isWholeCString(name) else { throw NativeError(.system, operation(), detail: "the name holds a NUL byte") }
    }
}

// The platform calls whose names or signatures differ between Linux and Darwin.
#if canImport(Glibc)
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { Glibc.write(fd, bytes, count) }
private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { Glibc.rename(from, to) }
private func systemGetxattr(_ path: String, _ name: String, _ value: UnsafeMutableRawPointer?, _ size: Int) -> Int {
    getxattr(path, name, value, size)
}
private func systemSetxattr(_ path: String, _ name: String, _ value: [UInt8], _ size: Int) -> Int32 {
    setxattr(path, name, value, size, 0)
}
#else
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { Darwin.write(fd, bytes, count) }
private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { Darwin.rename(from, to) }
private func systemGetxattr(_ path: String, _ name: String, _ value: UnsafeMutableRawPointer?, _ size: Int) -> Int {
    getxattr(path, name, value, size, 0, 0)
}
private func systemSetxattr(_ path: String, _ name: String, _ value: [UInt8], _ size: Int) -> Int32 {
    setxattr(path, name, value, size, 0, 0)
}
#endif

extension LocalFile {
    /// Opens (creating or truncating) `path` for writing; close it with `close(_:)`.
    public static func openForWriting(_ path: String) throws -> Int32 {
        try refuseNUL(in: path, "create \(path)")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NativeError(.system, "create \(path)", detail: String(cString: strerror(errno))) }
        return fd
    }

    /// Writes all of `bytes` to an open descriptor.
    public static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw NativeError(.system, "write", detail: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// Closes a descriptor from `openForWriting`.
    public static func close(_ descriptor: Int32) {
        _ = systemClose(descriptor)
    }

    /// Renames `from` to `to` atomically (same file system).
    public static func rename(_ from: String, to: String) throws {
        try refuseNUL(in: from + to, "rename \(from)")
        guard systemRename(from, to) == 0 else {
            throw NativeError(.system, "rename \(from)", detail: String(cString: strerror(errno)))
        }
    }
}

extension LocalFile {
    /// Takes an exclusive advisory lock (flock) on `path`, created if needed, without waiting.
    /// Returns the descriptor that holds it (the lock lasts until it is closed or the process
    /// ends, however it ends), or nil when another process holds it.
    public static func lockExclusively(_ path: String) throws -> Int32? {
        try refuseNUL(in: path, "open \(path)")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NativeError(.system, "open \(path)", detail: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            _ = systemClose(fd)
            if busy { return nil }
            throw NativeError(.system, "lock \(path)", detail: String(cString: strerror(errno)))
        }
        return fd
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, flushed, then renamed over it.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = try openForWriting(temporary)
        do {
            try bytes.withUnsafeBytes { try write($0, to: fd) }
            guard fsync(fd) == 0 else { throw NativeError(.system, "flush \(temporary)", detail: String(cString: strerror(errno))) }
            close(fd)
            try rename(temporary, to: path)
        } catch {
            close(fd)
            try? remove(temporary)
            throw error
        }
    }

    /// Opens `path` for appending (created if needed), first cutting it to `length` bytes when
    /// given: what a crashed run wrote past its last acknowledged point is dropped.
    public static func openForAppending(_ path: String, truncatingTo length: Int64?) throws -> Int32 {
        try refuseNUL(in: path, "open \(path)")
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NativeError(.system, "open \(path)", detail: String(cString: strerror(errno))) }
        if let length, ftruncate(fd, off_t(length)) != 0 {
            _ = systemClose(fd)
            throw NativeError(.system, "truncate \(path)", detail: String(cString: strerror(errno)))
        }
        return fd
    }

    /// Flushes a descriptor's data to the disk; returns its size.
    public static func sync(_ descriptor: Int32) throws -> Int64 {
        guard fsync(descriptor) == 0 else { throw NativeError(.system, "flush", detail: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw NativeError(.system, "stat", detail: String(cString: strerror(errno))) }
        return Int64(info.st_size)
    }
}

extension LocalFile {
    /// A file's size and modification time (nanoseconds since the epoch), or nil.
    public static func sizeAndModification(_ path: String) -> (size: Int64, modified: Int64)? {
        guard isWholeCString(path) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Glibc)
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #else
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #endif
        return (Int64(info.st_size), modified)
    }
}

extension LocalFile {
    /// Opens a new read-write file in `directory` that has no name (it is unlinked at once), so
    /// it disappears when closed or when the process ends, however it ends.
    public static func openAnonymous(in directory: String) throws -> Int32 {
        try refuseNUL(in: directory, "create a temporary file in \(directory)")
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast()) + Array("trailproof-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw NativeError(.system, "create a temporary file in \(directory)", detail: String(cString: strerror(errno))) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        _ = unlink(path)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// Where a run's temporary files go: `TMPDIR` when set and not empty, else /tmp.
    public static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Writes all of `bytes` at `offset` of an open descriptor (safe from any thread).
    public static func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64, to descriptor: Int32) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                throw NativeError(.system, "write", detail: String(cString: strerror(errno)))
            }
            done += written
        }
    }

    /// Reads exactly `count` bytes at `offset` of an open descriptor (safe from any thread).
    public static func readBytes(_ count: Int, at offset: Int64, from descriptor: Int32) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let got = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw NativeError(.system, "read", detail: String(cString: strerror(errno)))
                }
                guard got > 0 else { throw NativeError(.system, "read", detail: "the file ends \(count - done) bytes early") }
                done += got
            }
        }
        return bytes
    }
}
