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
                member(name) { JSONStringWriter.append(value, to: &$0) }
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
}
