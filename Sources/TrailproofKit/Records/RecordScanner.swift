/// Finds the records of a hash-verified log file fast: the byte range of each element of its
/// `Records` array and the raw text of a few top-level string members (eventID, eventTime), in one
/// pass that allocates nothing per member. It checks structure (strings, nesting, brackets), not
/// every rule of JSON: the bytes are CloudTrail's own, proven by their SHA-256; anything it does
/// not expect makes it give up, and the caller falls back to `StrictJSON`.
struct RecordScanner {
    struct Found {
        var range: Range<Int>
        var eventID: Range<Int>?
        var eventTime: Range<Int>?
    }

    private static let eventID = Array("eventID".utf8), eventTime = Array("eventTime".utf8)

    /// The records in `bytes[array]` (the `Records` value), or nil when the scan cannot be sure.
    static func scan(_ bytes: [UInt8], array: Range<Int>) -> [Found]? {
        bytes.withUnsafeBufferPointer { buffer -> [Found]? in
            var index = array.lowerBound
            let end = array.upperBound
            func skipSpace() { while index < end, buffer[index] == 0x20 || buffer[index] == 0x0A || buffer[index] == 0x0D || buffer[index] == 0x09 { index += 1 } }
            /// Steps over a string starting at its quote; false when it does not end.
            func skipString() -> Bool {
                index += 1
                while index < end {
                    let byte = buffer[index]
                    if byte == UInt8(ascii: "\"") { index += 1; return true }
                    index += byte == UInt8(ascii: "\\") ? 2 : 1
                }
                return false
            }
            /// Steps over any value; false when it does not end where it should.
            func skipValue() -> Bool {
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
                            while index < end, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(buffer[index]) { index += 1 }
                        }
                        return true
                    }
                } while true
            }
            func matches(_ name: [UInt8], _ range: Range<Int>) -> Bool {
                guard range.count == name.count else { return false }
                for offset in 0..<name.count where buffer[range.lowerBound + offset] != name[offset] { return false }
                return true
            }
            skipSpace()
            guard index < end, buffer[index] == UInt8(ascii: "[") else { return nil }
            index += 1
            var found: [Found] = []
            skipSpace()
            if index < end, buffer[index] == UInt8(ascii: "]") { return found }
            while true {
                skipSpace()
                guard index < end, buffer[index] == UInt8(ascii: "{") else { return nil }
                let start = index
                var record = Found(range: start..<start)
                index += 1
                skipSpace()
                if index < end, buffer[index] == UInt8(ascii: "}") {
                    index += 1
                } else {
                    while true {
                        skipSpace()
                        guard index < end, buffer[index] == UInt8(ascii: "\"") else { return nil }
                        let nameStart = index + 1
                        guard skipString() else { return nil }
                        let name = nameStart..<(index - 1)
                        skipSpace()
                        guard index < end, buffer[index] == UInt8(ascii: ":") else { return nil }
                        index += 1
                        skipSpace()
                        let valueStart = index
                        guard skipValue() else { return nil }
                        // A string value's text lies between its quotes (only a string can be 2+ bytes and quoted).
                        if buffer[valueStart] == UInt8(ascii: "\""), index - valueStart >= 2 {
                            let text = (valueStart + 1)..<(index - 1)
                            if matches(eventID, name) {
                                if buffer[text].contains(UInt8(ascii: "\\")) { return nil }
                                record.eventID = text
                            } else if matches(eventTime, name) {
                                if buffer[text].contains(UInt8(ascii: "\\")) { return nil }
                                record.eventTime = text
                            }
                        }
                        skipSpace()
                        guard index < end else { return nil }
                        if buffer[index] == UInt8(ascii: ",") { index += 1; continue }
                        guard buffer[index] == UInt8(ascii: "}") else { return nil }
                        index += 1
                        break
                    }
                }
                record.range = start..<index
                found.append(record)
                skipSpace()
                guard index < end else { return nil }
                if buffer[index] == UInt8(ascii: ",") { index += 1; continue }
                guard buffer[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                skipSpace()
                return index == end ? found : nil
            }
        }
    }
}
