/// Writes JSON text as it goes, into a byte buffer a caller may drain as it fills (`takeBytes`):
/// the one JSON writer and string escaper of the engine (the JSON report's frame, log files and
/// digests; released records' provenance; ClickHouse rows' strings).
///
/// Strings are written as `JSONEncoder` writes them: the quote, the backslash and the C0
/// controls escaped (`\b \f \n \r \t` short, the others `\u00xx` in lower case), everything else
/// as its UTF-8, `/` included, and U+2028/U+2029 too (JSON allows them raw; JavaScript before
/// ES2019 did not, but this output is for JSON parsers). A Swift `String` holds no lone
/// surrogate, and names that are not UTF-8 reach here already mapped by
/// `ObjectKey.text(fromBytes:)`, so what is written is always valid UTF-8.
///
/// `.pretty` is `JSONEncoder`'s `.prettyPrinted`: two spaces per level, `"name" : value`, and an
/// empty object or array as `{` newline newline `}`. `.compact` has no white space. The writer
/// does not sort members: callers write them in the order they are to appear.
///
///     var json = JSONWriter(.compact)
///     json.beginObject()
///     json.member("kind", "logFile")
///     json.key("count"); json.number(3)
///     json.endObject()                      // {"kind":"logFile","count":3}
struct JSONWriter {
    /// White space between tokens.
    enum Layout {
        /// None: `{"a":1,"b":[true]}`.
        case compact
        /// As `JSONEncoder`'s `.prettyPrinted`.
        case pretty
    }

    /// What has been written (and not yet taken by `takeBytes`).
    private(set) var bytes: [UInt8] = []
    private let layout: Layout
    /// Per open object or array: whether it has a member or element yet.
    private var open: [Bool] = []
    /// A key was written; its value comes next.
    private var afterKey = false

    /// Starts at nesting `depth` (a value that will sit `depth` levels in, for indentation).
    init(_ layout: Layout, depth: Int = 0) {
        self.layout = layout
        open = Array(repeating: true, count: depth)
    }

    /// Hands over what has been written so far, and goes on with an empty buffer.
    mutating func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    /// Reserves room for `count` more bytes.
    mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    // MARK: Structure

    mutating func beginObject() { beginValue(); bytes.append(UInt8(ascii: "{")); open.append(false) }
    mutating func endObject() { end(UInt8(ascii: "}")) }
    mutating func beginArray() { beginValue(); bytes.append(UInt8(ascii: "[")); open.append(false) }
    mutating func endArray() { end(UInt8(ascii: "]")) }

    /// A member's name, inside an object; its value is written next.
    mutating func key(_ name: String) {
        separate()
        Self.appendString(name, to: &bytes)
        bytes += layout == .pretty ? [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")] : [UInt8(ascii: ":")]
        afterKey = true
    }

    // MARK: Values

    /// A string (`null` for nil).
    mutating func string(_ text: String?) {
        beginValue()
        if let text { Self.appendString(text, to: &bytes) } else { bytes += Self.null }
    }

    /// A string from UTF-8 bytes.
    mutating func string(utf8 source: ArraySlice<UInt8>) {
        beginValue()
        Self.appendString(source, to: &bytes)
    }

    mutating func number<Integer: BinaryInteger>(_ value: Integer) {
        beginValue()
        bytes += Array(String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        bytes += value ? Array("true".utf8) : Array("false".utf8)
    }

    mutating func null() {
        beginValue()
        bytes += Self.null
    }

    /// A value that is JSON already (a record as CloudTrail wrote it), copied as it is. With
    /// `.pretty`, every line after its first is moved in to this writer's depth, as a value of
    /// `JSONEncoder`'s `.prettyPrinted` output written here (a newline is never inside a JSON
    /// string, so only the layout's own lines move).
    mutating func encoded(_ json: some Collection<UInt8>) {
        beginValue()
        guard layout == .pretty, open.count > 0 else { bytes += json; return }
        let indent = Array(repeating: UInt8(ascii: " "), count: 2 * open.count)
        var previous: UInt8 = 0
        for byte in json {
            // An empty line (`[` newline newline `]`) stays empty.
            if previous == UInt8(ascii: "\n") && byte != UInt8(ascii: "\n") { bytes += indent }
            bytes.append(byte)
            previous = byte
        }
    }

    // MARK: Members, in one call

    /// `"name" : "text"`; nothing when `text` is nil (an absent optional, as `JSONEncoder`).
    mutating func member(_ name: String, _ text: String?) {
        guard let text else { return }
        key(name)
        string(text)
    }

    /// `"name" : number`; nothing when `value` is nil.
    mutating func member<Integer: BinaryInteger>(_ name: String, _ value: Integer?) {
        guard let value else { return }
        key(name)
        number(value)
    }

    /// `"name" : true|false`; nothing when `value` is nil.
    mutating func member(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bool(value)
    }

    // MARK: Layout

    private static let null = Array("null".utf8)

    /// Before a value: the separator and indentation of an array element (after a key, none).
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if !open.isEmpty {
            separate()
        }
    }

    /// Before a member or an element: `,` after the first, then the line and indentation.
    private mutating func separate() {
        guard let last = open.indices.last else { return }
        if open[last] { bytes.append(UInt8(ascii: ",")) }
        open[last] = true
        newLine(depth: open.count)
    }

    private mutating func end(_ bracket: UInt8) {
        let hadMembers = open.removeLast()
        if layout == .pretty {
            if !hadMembers { bytes.append(UInt8(ascii: "\n")) }
            newLine(depth: open.count)
        }
        bytes.append(bracket)
    }

    private mutating func newLine(depth: Int) {
        guard layout == .pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes += repeatElement(UInt8(ascii: " "), count: 2 * depth)
    }

    // MARK: Strings

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string (see the type's notes on escaping).
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString($0, to: &out) }
    }

    /// Appends `bytes` (UTF-8) as a JSON string.
    static func appendString(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendString($0, to: &out) }
    }

    /// Appends `source` (UTF-8) as a JSON string. In place, once the escaped length is known:
    /// records written by the million cost no per-byte appends.
    static func appendString(_ source: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var length = 2
        for byte in source {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: length += 2
            case 0..<0x20: length += 6
            default: length += 1
            }
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: length))
        out.withUnsafeMutableBufferPointer { target in
            var at = target.baseAddress! + start
            func short(_ letter: Character) { at[0] = UInt8(ascii: "\\"); at[1] = letter.asciiValue!; at += 2 }
            at.pointee = UInt8(ascii: "\""); at += 1
            for byte in source {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): at[0] = UInt8(ascii: "\\"); at[1] = byte; at += 2
                case 0x08: short("b")
                case 0x09: short("t")
                case 0x0A: short("n")
                case 0x0C: short("f")
                case 0x0D: short("r")
                case 0..<0x20:
                    at[0] = UInt8(ascii: "\\"); at[1] = UInt8(ascii: "u"); at[2] = UInt8(ascii: "0"); at[3] = UInt8(ascii: "0")
                    at[4] = hexDigits[Int(byte >> 4)]; at[5] = hexDigits[Int(byte & 0xF)]; at += 6
                default: at.pointee = byte; at += 1
                }
            }
            at.pointee = UInt8(ascii: "\"")
        }
    }
}
