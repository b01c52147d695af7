import Synchronization
@testable import TrailproofKit

/// A store that counts how often each object is read.
final class CountingStore: ObjectStore {
    let inner: ObjectStore
    private let counts = Mutex<[String: Int]>([:])
    init(_ inner: ObjectStore) { self.inner = inner }

    var reads: [String: Int] { counts.withLock { $0 } }
    var displayName: String { inner.displayName }
    func listKeys() throws -> [String] { try inner.listKeys() }
    func listObjects() throws -> [ListedObject] { try inner.listObjects() }
    func readObject(_ key: String, limit: Int) throws -> [UInt8]? {
        counts.withLock { $0[key, default: 0] += 1 }
        return try inner.readObject(key, limit: limit)
    }
    func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        counts.withLock { $0[key, default: 0] += 1 }
        return try inner.streamObject(key, restart: restart, body)
    }
    func savedSignature(for key: String) throws -> SavedSignature? { try inner.savedSignature(for: key) }
}

/// A store whose every log file transfer breaks once after `brokenBytes` and is retried from the
/// start, as a network store does (the first attempt's bytes must be dropped).
final class RetryingStore: ObjectStore {
    let inner: ObjectStore
    let brokenBytes: Int
    init(_ inner: ObjectStore, brokenBytes: Int) {
        self.inner = inner
        self.brokenBytes = brokenBytes
    }

    var displayName: String { inner.displayName }
    func listKeys() throws -> [String] { try inner.listKeys() }
    func listObjects() throws -> [ListedObject] { try inner.listObjects() }
    func readObject(_ key: String, limit: Int) throws -> [UInt8]? { try inner.readObject(key, limit: limit) }
    func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard key.contains("/CloudTrail/"), let whole = try inner.readObject(key, limit: 1 << 30) else {
            return try inner.streamObject(key, restart: restart, body)
        }
        try restart()
        try whole.prefix(brokenBytes).withUnsafeBytes { try body($0) }
        try restart()
        try whole.withUnsafeBytes { try body($0) }
        return true
    }
    func savedSignature(for key: String) throws -> SavedSignature? { try inner.savedSignature(for: key) }
}

/// A store that also holds `extra` objects (by key), such as keys a directory cannot hold
/// (`x/` with data, as S3 can).
final class ExtraObjectsStore: ObjectStore {
    let inner: ObjectStore
    let extra: [(key: String, bytes: [UInt8])]
    init(_ inner: ObjectStore, extra: [(key: String, bytes: [UInt8])]) {
        self.inner = inner
        self.extra = extra
    }

    private func find(_ key: String) -> [UInt8]? { extra.first { $0.key.utf8.elementsEqual(key.utf8) }?.bytes }
    var displayName: String { inner.displayName }
    func listKeys() throws -> [String] { try inner.listKeys() + extra.map(\.key) }
    func readObject(_ key: String, limit: Int) throws -> [UInt8]? { try find(key) ?? inner.readObject(key, limit: limit) }
    func streamObject(_ key: String, restart: () throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard let bytes = find(key) else { return try inner.streamObject(key, restart: restart, body) }
        try restart()
        try bytes.withUnsafeBytes { try body($0) }
        return true
    }
    func savedSignature(for key: String) throws -> SavedSignature? { try inner.savedSignature(for: key) }
}
