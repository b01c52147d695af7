/// trailproof's standard output or standard error, written with write(2): every byte, retried
/// after EINTR and partial writes, with no buffering (what is written is out when the call returns).
public enum StandardStream: Sendable {
    case output
    case error

    /// The descriptor: 1 or 2.
    public var descriptor: Int32 { self == .output ? 1 : 2 }

    /// Writes all of `bytes`.
    /// - Throws: `NativeError` when the stream is closed, full or gone (a report that cannot be
    ///   written is an error, not a silent loss).
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try LocalFile.write($0, to: descriptor) }
    }

    /// Writes `text` as UTF-8.
    /// - Throws: `NativeError` as `write(_:)` does.
    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Writes `text` as UTF-8 where a failure has nowhere to be told (messages and progress on
    /// standard error): it is dropped.
    public func writeIfPossible(_ text: String) {
        try? write(text)
    }
}
