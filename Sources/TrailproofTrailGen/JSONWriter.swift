/// Writes JSON text in a fixed key order (as CloudTrail does), fast enough for gigabyte trails.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reserving capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// A JSON value.
    indirect enum Value {
        case string(String)
        case number(Int64)
        case bool(Bool)
        case null
        case object([(String, Value)])
        case array([Value])
        /// Already-encoded JSON.
        case raw([UInt8])
    }

    mutating func write(_ value: Value) {
        switch value {
        case .string(let text): writeString(text)
        case .number(let number): bytes += Array(String(number).utf8)
        case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
        case .null: bytes += Array("null".utf8)
        case .raw(let raw): bytes += raw
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let fields):
            bytes.append(UInt8(ascii: "{"))
            for (index, field) in fields.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(field.0)
                bytes.append(UInt8(ascii: ":"))
                write(field.1)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0..<0x20: bytes += Array(String(format: byte).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    static func encode(_ value: Value) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }
}

private extension String {
    init(format byte: UInt8) {
        let hex = Array("0123456789abcdef")
        self = "\\u00" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xf)])
    }
}
