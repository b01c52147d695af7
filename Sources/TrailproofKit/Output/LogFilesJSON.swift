/// Writes the report's `logFiles` array as `JSONEncoder` (pretty-printed, sorted keys, slashes
/// unescaped) writes it, byte for byte, but about ten times faster: with small log files the
/// array is most of a report, and the encoder most of a run's serial time.
enum LogFilesJSON {
    /// The top-level member as `JSONEncoder` writes it for an empty array, where `render`'s
    /// output goes.
    static let emptyMember = Array("\n  \"logFiles\" : [\n\n  ]".utf8)

    /// `"logFiles" : [ … ]` at the top level of the report (two spaces in), from its newline.
    static func render(_ records: [LogFileRecord]) -> [UInt8] {
        var out: [UInt8] = []
        render(records, into: &out)
        return out
    }

    /// `render`, appended to `out`.
    static func render(_ records: [LogFileRecord], into out: inout [UInt8]) {
        guard !records.isEmpty else { out += emptyMember; return }
        out.reserveCapacity(out.count + records.count * 560)
        out += Array("\n  \"logFiles\" : [\n".utf8)
        for (index, record) in records.enumerated() {
            out += Array("    {\n".utf8)
            var first = true
            func member(_ name: StaticString, _ write: (inout [UInt8]) -> Void) {
                if !first { out += [UInt8(ascii: ","), UInt8(ascii: "\n")] }
                first = false
                out += Array("      \"".utf8)
                out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
                out += Array("\" : ".utf8)
                write(&out)
            }
            func string(_ name: StaticString, _ value: String?) {
                guard let value else { return }
                member(name) { appendString(value, to: &$0) }
            }
            string("actualSHA256", record.actualSHA256)
            string("bucket", record.bucket)
            string("detail", record.detail)
            string("digest", record.digest)
            string("expectedSHA256", record.expectedSHA256)
            string("key", record.key)
            string("time", record.time?.iso8601)
            if let bytes = record.uncompressedBytes { member("uncompressedBytes") { $0 += Array(String(bytes).utf8) } }
            string("verdict", record.verdict.rawValue)
            out += Array("\n    }".utf8)
            if index < records.count - 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
        }
        out += Array("  ]".utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string as `JSONEncoder` escapes it: quote, backslash and the C0 controls, the
    /// common ones by their short escapes; everything else as its UTF-8.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (keys, hashes, times) need no escape: copied whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
