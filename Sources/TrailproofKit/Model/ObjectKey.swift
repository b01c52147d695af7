/// An object key, file name or path compared as its exact bytes.
///
/// S3 keys and file names are bytes, but Swift compares `String`s by Unicode canonical
/// equivalence: `café` spelled with U+00E9 equals `cafe` + U+0301, and `K` equals U+212A KELVIN
/// SIGN. Two keys that are different bytes are two objects, so every set, dictionary, sort and
/// comparison of names goes through this type (or the byte-wise `String` helpers below), never
/// through `String`'s own `==`, `<` or hash.
public struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The key as text (its UTF-8 bytes are the key; see `ObjectKey.text(fromBytes:)` for names
    /// that are not UTF-8).
    public let text: String

    /// Wraps `text`.
    public init(_ text: String) {
        self.text = text
    }

    public static func == (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.text.sameBytes(as: rhs.text) }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.text.bytesPrecede(rhs.text) }

    public func hash(into hasher: inout Hasher) { hasher.combineBytes(of: text) }

    public var description: String { text }

    /// Marks a byte of a name that is not UTF-8 (followed by `x` and the byte in hex): NUL can be
    /// in no file name and no S3 key, so a name holding it is never read and equals no real key.
    public static let invalidByteMarker: Character = "\u{0}"

    /// The text for a name's raw bytes: the bytes themselves when they are UTF-8 without NUL;
    /// otherwise every NUL and every byte that is not part of a valid UTF-8 sequence written as
    /// NUL `x` HEX, so that two different byte sequences never give the same text.
    public static func text<Bytes: Collection<UInt8>>(fromBytes bytes: Bytes) -> String {
        if !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) { return text }
        let bytes = Array(bytes)
        var out = ""
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                out += String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                index += length
            } else {
                out.append(invalidByteMarker)
                out += "x" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        return out
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0 when none starts there.
    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00: return 0
        case 0x01...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil ? 0 : length
    }
}

extension String {
    /// True when both strings are the same UTF-8 bytes (not merely canonically equivalent).
    public func sameBytes(as other: String) -> Bool {
        self[...].sameBytes(as: other)
    }

    /// Equal buffers of equal length, compared eight bytes at a time (this is on every lookup of
    /// a key, so it is kept tight).
    fileprivate static func equalBytes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let count = lhs.count
        var offset = 0
        while offset + 8 <= count {
            guard lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        while offset < count {
            guard lhs[offset] == rhs[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// True when this string's UTF-8 bytes sort before `other`'s (byte-wise, as S3 lists keys).
    public func bytesPrecede(_ other: String) -> Bool {
        let compared = utf8.withContiguousStorageIfAvailable { lhs in
            other.utf8.withContiguousStorageIfAvailable { rhs in String.precedingBytes(UnsafeRawBufferPointer(lhs), UnsafeRawBufferPointer(rhs)) }
        }
        return (compared ?? nil) ?? utf8.lexicographicallyPrecedes(other.utf8)
    }

    /// True when `lhs` sorts before `rhs` byte-wise (a proper prefix first), compared eight
    /// bytes at a time: sorting a listing's keys, which share long prefixes, calls this about
    /// n log n times.
    private static func precedingBytes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let common = Swift.min(lhs.count, rhs.count)
        var offset = 0
        while offset + 8 <= common {
            // Big-endian, the first byte is the most significant: words order as their bytes do.
            let left = UInt64(bigEndian: lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let right = UInt64(bigEndian: rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if left != right { return left < right }
            offset += 8
        }
        while offset < common {
            if lhs[offset] != rhs[offset] { return lhs[offset] < rhs[offset] }
            offset += 1
        }
        return lhs.count < rhs.count
    }

    /// True when this string's UTF-8 bytes begin with `prefix`'s.
    public func hasBytePrefix(_ prefix: String) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// True when this string's UTF-8 bytes end with `suffix`'s.
    public func hasByteSuffix(_ suffix: String) -> Bool {
        utf8.count >= suffix.utf8.count && utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// The string with only the ASCII letters A-Z lowered: for names matched without regard to
    /// ASCII case (HTTP header and metadata names), where `lowercased()` would also fold other
    /// characters onto ASCII (U+212A KELVIN SIGN to `k`).
    public func asciiLowercased() -> String {
        String(decoding: utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension Substring {
    /// True when this substring is the same UTF-8 bytes as `other` (not merely canonically equivalent).
    func sameBytes(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Native strings are contiguous: compare their buffers, not the views element by element.
        let compared = utf8.withContiguousStorageIfAvailable { lhs in
            other.utf8.withContiguousStorageIfAvailable { rhs in String.equalBytes(UnsafeRawBufferPointer(lhs), UnsafeRawBufferPointer(rhs)) }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}

extension Optional where Wrapped == String {
    /// True when both are nil or both are the same UTF-8 bytes.
    public func sameBytes(as other: String?) -> Bool {
        switch (self, other) {
        case (nil, nil): return true
        case let (lhs?, rhs?): return lhs.sameBytes(as: rhs)
        default: return false
        }
    }
}

extension Hasher {
    /// Feeds `text`'s UTF-8 bytes (not its canonical form) and its length.
    public mutating func combineBytes(of text: String) {
        var text = text
        text.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
        combine(text.utf8.count)
    }
}

extension ObjectKey: Codable, CodingKeyRepresentable {
    /// Decodes the key from a JSON string.
    public init(from decoder: Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the key as a JSON string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// As a dictionary key, a JSON object's member name.
    public var codingKey: CodingKey { ObjectKeyCodingKey(stringValue: text) }

    /// The key a JSON object's member name gives.
    public init?<T: CodingKey>(codingKey: T) { self.init(codingKey.stringValue) }
}

private struct ObjectKeyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension ObjectKey: ExpressibleByStringLiteral {
    /// A key written in code.
    public init(stringLiteral value: String) { self.init(value) }
}
