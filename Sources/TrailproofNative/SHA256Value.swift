/// A SHA-256 result held inline, so that hashing a file allocates nothing for it: compared
/// byte-wise with the hex a digest lists, and written as hex only when it is reported.
public struct SHA256Value: Equatable, Sendable {
    /// The 32 bytes, in order, in four words.
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The number of bytes.
    public static let byteCount = 32

    /// Creates the value of exactly 32 `bytes`; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == SHA256Value.byteCount else { return nil }
        withUnsafeMutableBytes(of: &words) { out in
            for (offset, byte) in bytes.enumerated() { out[offset] = byte }
        }
    }

    init() {}

    public static func == (lhs: SHA256Value, rhs: SHA256Value) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    /// Lower-case hex, 64 characters.
    public var hex: String {
        withUnsafeBytes(of: words) { Hex.encode($0) }
    }

    /// True when `text` is exactly this value's lower-case hex, compared as bytes (upper-case
    /// hex, or any other spelling, does not match).
    public func matches(hex text: String) -> Bool {
        withUnsafeBytes(of: words) { bytes in
            func matches(_ characters: UnsafeBufferPointer<UInt8>) -> Bool {
                guard characters.count == 2 * SHA256Value.byteCount else { return false }
                for index in 0..<SHA256Value.byteCount {
                    let byte = bytes[index]
                    guard characters[2 * index] == Hex.lowerCaseDigit(byte >> 4),
                          characters[2 * index + 1] == Hex.lowerCaseDigit(byte & 0x0f) else { return false }
                }
                return true
            }
            return text.utf8.withContiguousStorageIfAvailable(matches) ?? Array(text.utf8).withUnsafeBufferPointer(matches)
        }
    }
}
