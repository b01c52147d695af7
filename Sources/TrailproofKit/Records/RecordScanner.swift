/// Finds the records of a hash-verified log file fast: the byte range of each element of its
/// `Records` array and the raw text of a few top-level string members (eventID, eventTime), in one
/// pass that allocates nothing per member. It checks structure (strings, nesting, brackets), not
/// every rule of JSON: the bytes are CloudTrail's own, proven by their SHA-256; anything it does
/// not expect makes it give up, and the caller falls back to `StrictJSON`.
enum RecordScanner {
    struct Found {
        var range: Range<Int>
        var eventID: Range<Int>?
        var eventTime: Range<Int>?
    }

    private static let eventID = Array("eventID".utf8), eventTime = Array("eventTime".utf8)

    /// The records in `bytes[array]` (the `Records` value), or nil when the scan cannot be sure.
    static func scan(_ bytes: [UInt8], array: Range<Int>) -> [Found]? {
        bytes.withUnsafeBufferPointer { buffer -> [Found]? in
            var cursor = JSONCursor(buffer, array)
            cursor.skipSpace()
            guard cursor.take(UInt8(ascii: "[")) else { return nil }
            var found: [Found] = []
            cursor.skipSpace()
            if cursor.take(UInt8(ascii: "]")) { cursor.skipSpace(); return cursor.atEnd ? found : nil }
            while true {
                cursor.skipSpace()
                let start = cursor.index
                var record = Found(range: start..<start)
                let complete = cursor.object { name, value in
                    // A string value's text lies between its quotes; one with escapes is not taken as is.
                    guard buffer[value.lowerBound] == UInt8(ascii: "\""), value.count >= 2 else { return true }
                    let text = (value.lowerBound + 1)..<(value.upperBound - 1)
                    if JSONCursor.matches(buffer, eventID, name) {
                        guard !buffer[text].contains(UInt8(ascii: "\\")) else { return false }
                        record.eventID = text
                    } else if JSONCursor.matches(buffer, eventTime, name) {
                        guard !buffer[text].contains(UInt8(ascii: "\\")) else { return false }
                        record.eventTime = text
                    }
                    return true
                }
                guard complete else { return nil }
                record.range = start..<cursor.index
                found.append(record)
                cursor.skipSpace()
                if cursor.take(UInt8(ascii: ",")) { continue }
                guard cursor.take(UInt8(ascii: "]")) else { return nil }
                cursor.skipSpace()
                return cursor.atEnd ? found : nil
            }
        }
    }

    /// The value ranges (raw JSON text) of the members of the object `buffer[object]` named in
    /// `names`, in the order of `names` (nil for a name absent); nil when the object does not scan.
    static func members(of buffer: UnsafeBufferPointer<UInt8>, object: Range<Int>, named names: [[UInt8]]) -> [Range<Int>?]? {
        var cursor = JSONCursor(buffer, object)
        var values = [Range<Int>?](repeating: nil, count: names.count)
        cursor.skipSpace()
        let complete = cursor.object { name, value in
            if let position = names.firstIndex(where: { JSONCursor.matches(buffer, $0, name) }) { values[position] = value }
            return true
        }
        return complete ? values : nil
    }
}

/// Steps through JSON text structurally (see `RecordScanner`).
struct JSONCursor {
    let buffer: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.buffer = buffer
        index = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { index == end }

    mutating func skipSpace() {
        while index < end, buffer[index] == 0x20 || buffer[index] == 0x0A || buffer[index] == 0x0D || buffer[index] == 0x09 { index += 1 }
    }

    /// Steps over `byte` when it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard index < end, buffer[index] == byte else { return false }
        index += 1
        return true
    }

    /// Steps over a string starting at its quote; false when it does not end. Eight bytes at a
    /// time while none of them is a quote or backslash: most of a record is inside strings.
    mutating func skipString() -> Bool {
        index += 1
        while index < end {
            while index + 8 <= end {
                let word = UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if Self.hasQuoteOrBackslash(word) { break }
                index += 8
            }
            guard index < end else { return false }
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") { index += 1; return true }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return false
    }

    /// Steps over any value; false when it does not end where it should.
    mutating func skipValue() -> Bool {
        var depth = 0
        repeat {
            guard index < end else { return false }
            let byte = buffer[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard skipString() else { return false }
                if depth == 0 { return true }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return false }
                depth -= 1
            case UInt8(ascii: ","), UInt8(ascii: ":"): guard depth > 0 else { return false }
            default: break
            }
            index += 1
            if depth == 0 {
                // A scalar runs to the next delimiter.
                if byte != UInt8(ascii: "}") && byte != UInt8(ascii: "]") {
                    while index < end, !Self.endsScalar(buffer[index]) { index += 1 }
                }
                return true
            }
        } while true
    }

    /// True when a byte of `word` is `"` or `\\` (the zero-byte test on the word XOR each).
    @inline(__always) static func hasQuoteOrBackslash(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ 0x2222_2222_2222_2222, backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
        return (((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)) & highs != 0
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
            || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Steps over the object starting here, handing each member's name (inside its quotes) and
    /// value (raw) to `member`; false when the object is malformed or `member` returns false.
    mutating func object(_ member: (_ name: Range<Int>, _ value: Range<Int>) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        skipSpace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard index < end, buffer[index] == UInt8(ascii: "\"") else { return false }
            let nameStart = index + 1
            guard skipString() else { return false }
            let name = nameStart..<(index - 1)
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            let valueStart = index
            guard skipValue(), member(name, valueStart..<index) else { return false }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// True when `buffer[range]` is `name`.
    static func matches(_ buffer: UnsafeBufferPointer<UInt8>, _ name: [UInt8], _ range: Range<Int>) -> Bool {
        guard range.count == name.count else { return false }
        for offset in 0..<name.count where buffer[range.lowerBound + offset] != name[offset] { return false }
        return true
    }
}
