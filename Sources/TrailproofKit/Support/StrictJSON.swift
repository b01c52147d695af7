/// A JSON value read by `StrictJSON`. Numbers keep their text, so no conversion can trap or round.
/// Not `indirect`: arrays and dictionaries already hold their elements out of line, so a string
/// or number costs no box of its own (a digest's million log file fields, a million allocations).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written (valid JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members by name; a name appears at most once (duplicates are refused while parsing).
    case object([ObjectKey: JSONValue])

    /// The members of an object, or nil.
    public var objectValue: [ObjectKey: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array, or nil.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The text of a string, or nil.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }
}

/// Why bytes are not acceptable JSON, with the byte offset where reading stopped.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Byte offset in the input.
    public let offset: Int

    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 JSON reader for hostile input.
///
/// Unlike Foundation's parser it refuses duplicate member names (two readers could otherwise see
/// two different values), invalid UTF-8, lone surrogates, and nesting deeper than `maxDepth`
/// (no stack exhaustion), and it can skip a large member while validating it, reporting only its
/// byte range and element count, so that a huge array costs no memory until it is wanted.
public final class StrictJSON {
    /// Deepest nesting of arrays and objects accepted.
    public static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Lists of member names that skipped objects are done with, kept for the next (one per
    /// level of nesting at most): skipping a thousand objects allocates none.
    private var spareNames: [MemberNames] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses a whole document.
    public static func parse(_ input: [UInt8]) throws -> JSONValue {
        try parse(input, range: input.indices)
    }

    /// Parses the document that `range` of `input` holds (a value found by `parseObject(_:skipping:)`), without copying it.
    public static func parse(_ input: [UInt8], range: Range<Int>) throws -> JSONValue {
        try input.withUnsafeBufferPointer { buffer in
            let reader = StrictJSON(UnsafeBufferPointer(rebasing: buffer[range]))
            let value = try reader.value(depth: 0)
            try reader.end()
            return value
        }
    }

    /// A member skipped by `parseObject(_:skipping:)`: where its value lies and, for an array,
    /// how many elements it has.
    public struct SkippedMember: Sendable, Equatable {
        /// Byte range of the value in the input.
        public var range: Range<Int>
        /// Number of elements when the value is an array, else nil.
        public var arrayCount: Int?
    }

    /// Parses a document that must be an object, validating but not building the members named in
    /// `skipping` (their ranges are returned instead).
    public static func parseObject(_ input: [UInt8], skipping: Set<ObjectKey>) throws
        -> (members: [ObjectKey: JSONValue], skipped: [ObjectKey: SkippedMember]) {
        try input.withUnsafeBufferPointer { buffer in
            let reader = StrictJSON(buffer)
            reader.whitespace()
            guard reader.peek() == UInt8(ascii: "{") else { throw reader.fail("the document is not an object") }
            reader.index += 1
            var members: [ObjectKey: JSONValue] = [:]
            var skipped: [ObjectKey: SkippedMember] = [:]
            try reader.members { text in
                let name = ObjectKey(text)
                guard members[name] == nil, skipped[name] == nil else { throw reader.fail("duplicate member \"\(name)\"") }
                if skipping.contains(name) {
                    reader.whitespace()
                    let start = reader.index
                    let isArray = reader.peek() == UInt8(ascii: "[")
                    let count = try reader.skipValue(depth: 1)
                    skipped[name] = SkippedMember(range: start..<reader.index, arrayCount: isArray ? count : nil)
                } else {
                    members[name] = try reader.value(depth: 1)
                }
            }
            try reader.end()
            return (members, skipped)
        }
    }

    /// The byte ranges of the elements of the array that `range` of `input` holds, each validated.
    /// - Throws: `JSONSyntaxError` when the range is not one valid JSON array.
    public static func elementRanges(ofArrayIn input: [UInt8], range: Range<Int>) throws -> [Range<Int>] {
        try input.withUnsafeBufferPointer { buffer in
            let reader = StrictJSON(UnsafeBufferPointer(rebasing: buffer[range]))
            reader.whitespace()
            guard reader.peek() == UInt8(ascii: "[") else { throw reader.fail("not an array") }
            reader.index += 1
            var ranges: [Range<Int>] = []
            try reader.elements {
                reader.whitespace()
                let start = reader.index
                _ = try reader.skipValue(depth: 1)
                ranges.append((range.lowerBound + start)..<(range.lowerBound + reader.index))
            }
            try reader.end()
            return ranges
        }
    }

    /// The members named in `keeping` of the object that `range` of `input` holds, built; every
    /// other member is validated and skipped.
    /// - Throws: `JSONSyntaxError` when the range is not one valid JSON object.
    public static func members(of input: [UInt8], range: Range<Int>, keeping: Set<ObjectKey>) throws -> [ObjectKey: JSONValue] {
        try input.withUnsafeBufferPointer { buffer in
            let reader = StrictJSON(UnsafeBufferPointer(rebasing: buffer[range]))
            reader.whitespace()
            guard reader.peek() == UInt8(ascii: "{") else { throw reader.fail("not an object") }
            reader.index += 1
            var kept: [ObjectKey: JSONValue] = [:]
            var names = Set<ObjectKey>()
            try reader.members { text in
                let name = ObjectKey(text)
                guard names.insert(name).inserted else { throw reader.fail("duplicate member \"\(name)\"") }
                if keeping.contains(name) { kept[name] = try reader.value(depth: 1) } else { _ = try reader.skipValue(depth: 1) }
            }
            try reader.end()
            return kept
        }
    }

    // MARK: - Reading

    private func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func whitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func end() throws {
        whitespace()
        guard index == bytes.count else { throw fail("unexpected bytes after the document") }
    }

    private func literal(_ text: StaticString) throws {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("truncated literal") }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { throw fail("invalid literal") }
        index += count
    }

    /// Steps over `{` or `[`, refusing nesting deeper than `maxDepth`.
    private func enterContainer(depth: Int) throws {
        guard depth < StrictJSON.maxDepth else { throw fail("nested deeper than \(StrictJSON.maxDepth)") }
        index += 1
    }

    private func value(depth: Int) throws -> JSONValue {
        whitespace()
        guard let byte = peek() else { throw fail("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            try enterContainer(depth: depth)
            var members: [ObjectKey: JSONValue] = [:]
            try self.members { text in
                let name = ObjectKey(text)
                guard members[name] == nil else { throw fail("duplicate member \"\(name)\"") }
                members[name] = try value(depth: depth + 1)
            }
            return .object(members)
        case UInt8(ascii: "["):
            try enterContainer(depth: depth)
            var elements: [JSONValue] = []
            try self.elements { elements.append(try value(depth: depth + 1)) }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            let start = index
            try number()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
    }

    /// Validates one value without building it; returns the element count of an array (else 0).
    /// Nothing is allocated for what CloudTrail writes (ASCII strings without escapes, objects
    /// of a few members).
    private func skipValue(depth: Int) throws -> Int {
        whitespace()
        guard let byte = peek() else { throw fail("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            try enterContainer(depth: depth)
            var names = spareNames.popLast() ?? MemberNames()
            names.removeAll()
            try memberNames { name in
                guard names.insert(name, in: bytes) else { throw fail("duplicate member \"\(name.text(in: bytes))\"") }
                _ = try skipValue(depth: depth + 1)
            }
            spareNames.append(names)
            return 0
        case UInt8(ascii: "["):
            try enterContainer(depth: depth)
            var count = 0
            try elements {
                _ = try skipValue(depth: depth + 1)
                count += 1
            }
            return count
        case UInt8(ascii: "\""):
            _ = try skipString()
            return 0
        case UInt8(ascii: "t"):
            try literal("true")
            return 0
        case UInt8(ascii: "f"):
            try literal("false")
            return 0
        case UInt8(ascii: "n"):
            try literal("null")
            return 0
        default:
            try number()
            return 0
        }
    }

    /// For each element of the array that `range` of `input` holds, the values of its members
    /// named in `names` (in that order, nil when absent), or nil when the element is not an
    /// object. Every other member and element is validated and skipped, as strictly as
    /// `parse(_:range:)` reads it: the same input is refused with the same error. Returns false
    /// when the value is not an array (validated all the same).
    /// - Throws: `JSONSyntaxError`, and what `body` throws.
    @discardableResult
    public static func forEachObject(inArray input: [UInt8], range: Range<Int>, keeping names: [String],
                                     _ body: (_ fields: [JSONValue?]?) throws -> Void) throws -> Bool {
        let wanted = names.map { Array($0.utf8) }
        return try input.withUnsafeBufferPointer { buffer in
            let reader = StrictJSON(UnsafeBufferPointer(rebasing: buffer[range]))
            reader.whitespace()
            guard reader.peek() == UInt8(ascii: "[") else {
                _ = try reader.value(depth: 0)
                try reader.end()
                return false
            }
            try reader.enterContainer(depth: 0)
            // One slot array and one list of names for every element, emptied in between: an
            // array of a thousand objects costs no allocation for either per object.
            var fields = [JSONValue?](repeating: nil, count: wanted.count)
            var seen = MemberNames()
            try reader.elements {
                reader.whitespace()
                guard reader.peek() == UInt8(ascii: "{") else {
                    _ = try reader.skipValue(depth: 1)
                    try body(nil)
                    return
                }
                try reader.enterContainer(depth: 1)
                for slot in fields.indices { fields[slot] = nil }
                seen.removeAll()
                try reader.memberNames { name in
                    guard seen.insert(name, in: reader.bytes) else { throw reader.fail("duplicate member \"\(name.text(in: reader.bytes))\"") }
                    if let slot = wanted.firstIndex(where: { name.equals($0, in: reader.bytes) }) {
                        fields[slot] = try reader.value(depth: 2)
                    } else {
                        _ = try reader.skipValue(depth: 2)
                    }
                }
                try body(fields)
            }
            try reader.end()
            return true
        }
    }

    /// A member name as read: its raw bytes when they are the name (ASCII, no escapes), else decoded.
    fileprivate enum MemberName {
        case raw(Range<Int>)
        case decoded(String)

        func text(in bytes: UnsafeBufferPointer<UInt8>) -> String {
            switch self {
            case .raw(let range): return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            case .decoded(let text): return text
            }
        }

        func equals(_ name: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            switch self {
            case .raw(let range): return range.count == name.count && UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(name)
            case .decoded(let text): return text.utf8.elementsEqual(name)
            }
        }
    }

    /// The names of one object so far, to refuse a duplicate: compared byte for byte while the
    /// object is small and every name raw, then hashed.
    fileprivate struct MemberNames {
        private var raw: [Range<Int>] = []
        private var hashed: Set<ObjectKey>?

        /// Forgets every name, keeping the storage for the next object.
        mutating func removeAll() {
            raw.removeAll(keepingCapacity: true)
            hashed = nil
        }

        /// False when `name` was already there.
        mutating func insert(_ name: MemberName, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            if hashed == nil, case .raw(let range) = name, raw.count < 16 {
                let text = UnsafeBufferPointer(rebasing: bytes[range])
                for earlier in raw where earlier.count == range.count && UnsafeBufferPointer(rebasing: bytes[earlier]).elementsEqual(text) {
                    return false
                }
                raw.append(range)
                return true
            }
            if hashed == nil {
                hashed = Set(raw.map { ObjectKey(MemberName.raw($0).text(in: bytes)) })
                raw = []
            }
            return hashed!.insert(ObjectKey(name.text(in: bytes))).inserted
        }
    }

    /// Reads `name: value` pairs after `{` up to and including `}`, handing each name as read
    /// (not allocated when it is plain ASCII).
    private func memberNames(_ body: (MemberName) throws -> Void) throws {
        whitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            whitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let quote = index
            let name: MemberName
            if let range = try skipString() {
                name = .raw(range)
            } else {
                index = quote
                name = .decoded(try string())
            }
            whitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            try body(name)
            whitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    /// Steps over a string starting at its opening quote, validating it exactly as `string()`
    /// does; returns the range of its bytes when they are the text itself (ASCII, no escapes),
    /// nil for any other valid string.
    private func skipString() throws -> Range<Int>? {
        let quote = index
        index += 1
        let start = index
        var high: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard high >= 0x80 else {
                    index += 1
                    return start..<(index - 1)
                }
                break
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail("unescaped control character in a string") }
            high |= byte
            index += 1
        }
        // Escapes, non-ASCII or no end: the general reader, for the same validation and errors.
        index = quote
        _ = try string()
        return nil
    }

    /// Reads `name: value` pairs after `{` up to and including `}`, each name as a string.
    private func members(_ body: (String) throws -> Void) throws {
        try memberNames { try body($0.text(in: bytes)) }
    }

    /// Reads values after `[` up to and including `]`.
    private func elements(_ body: () throws -> Void) throws {
        whitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try body()
            whitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private func number() throws {
        func digits() -> Int {
            let start = index
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw fail("invalid value") }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
    }

    private func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Reads a string starting at its opening quote.
    private func string() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes are the string (once validated as UTF-8; ASCII,
        // what CloudTrail writes, needs no validating).
        var high: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if high < 0x80 { return String(decoding: raw, as: UTF8.self) }
                guard let text = String(validating: raw, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail("unescaped control character in a string") }
            high |= byte
            index += 1
        }
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<min(index, bytes.count)]))
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: scratch, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw fail("unterminated string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in a \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in a \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate in a \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw fail("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw fail("unescaped control character in a string") }
                scratch.append(byte)
            }
        }
    }
}

extension JSONValue {
    /// A number in [`range`] as whole seconds (fractions dropped), or nil when it is not a
    /// finite number inside the range. Never traps, whatever the text.
    func wholeNumber(in range: ClosedRange<Int64>) -> Int64? {
        let text: String
        switch self {
        case .number(let value): text = value
        case .string(let value): text = value
        default: return nil
        }
        guard let double = Double(text), double.isFinite,
              double >= Double(range.lowerBound), double <= Double(range.upperBound) else { return nil }
        return Int64(double.rounded(.down))
    }
}
