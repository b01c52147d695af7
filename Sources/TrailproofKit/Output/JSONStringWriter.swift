/// Writes JSON strings as `JSONEncoder` does: the quote, the backslash and the C0 controls
/// escaped (`\b \f \n \r \t` short, the others `\u00xx`), everything else as its UTF-8. In place,
/// once the escaped length is known: records written by the million cost no per-byte appends.
enum JSONStringWriter {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string.
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append($0, to: &out) }
    }

    /// Appends `bytes` (UTF-8) as a JSON string.
    static func append(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0, to: &out) }
    }

    /// Appends `source` (UTF-8) as a JSON string.
    static func append(_ source: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
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
