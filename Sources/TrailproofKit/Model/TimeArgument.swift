/// A time given on the command line (`--start`, `--end`, `--reference-time`, `keys --start/--end`),
/// read as the AWS CLI reads a timestamp argument (botocore's `parse_timestamp`): ISO 8601 with
/// or without a zone (none means UTC), with or without seconds and fractional seconds, a bare
/// date, or epoch seconds. Never used for times inside CloudTrail's own files, which stay strict
/// (`UTCTime(parsing:)`).
public enum TimeArgument {
    /// What a bare date (`2026-01-31`) stands for.
    public enum BareDate: Sendable {
        /// The first second of the day (`--start`): `2026-01-31T00:00:00Z`.
        case startOfDay
        /// The last second of the day (`--end`), so that the day is included: `2026-01-31T23:59:59Z`.
        case endOfDay
    }

    /// Why a time argument was refused, in words for a usage error.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        /// The sentence.
        public var description: String
    }

    /// The forms accepted, for help texts and errors.
    public static let formsText = "ISO 8601 (2026-01-08T05:21:42Z; without a zone, UTC), a date (2026-01-08) or epoch seconds (1767849702)"

    /// Largest epoch seconds accepted: 9999-12-31T23:59:59Z, the last time `UTCTime` writes.
    static let latestEpochSeconds: Int64 = 253_402_300_799

    /// Parses `text`; a bare date stands for the start or the end of its day as `bareDate` says.
    public static func parse(_ text: String, bareDate: BareDate) -> Result<UTCTime, Refusal> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return .failure(Refusal(description: "is not a time: give \(formsText)")) }
        if let epoch = epochSeconds(bytes) { return epoch }
        if bytes.count == 10, let day = UTCTime(parsing: text) {
            return .success(bareDate == .endOfDay ? day.adding(seconds: 86_399) : day)
        }
        if let time = isoTime(bytes) { return .success(time) }
        if let time = UTCTime(parsing: text) { return .success(time) }  // the compact 20260108T052142Z
        return .failure(Refusal(description: "is not a time: give \(formsText)"))
    }

    /// Epoch seconds (`1767849702`, `1767849702.5`, rounded down), or nil when `bytes` is not a
    /// number. A number out of range, or eight digits that also read as a date, is refused.
    private static func epochSeconds(_ bytes: [UInt8]) -> Result<UTCTime, Refusal>? {
        var start = 0
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { start = 1 }
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[start..<(dot ?? bytes.count)]
        let fraction = dot.map { bytes[($0 + 1)...] } ?? []
        guard !whole.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit), dot == nil || !fraction.isEmpty else { return nil }
        if start == 1, bytes.first == UInt8(ascii: "-") {
            return .failure(Refusal(description: "is a negative number of seconds: a time before 1970 holds no CloudTrail digest"))
        }
        let digits = whole.drop { $0 == UInt8(ascii: "0") }
        guard digits.count <= 12, let seconds = Int64(String(decoding: digits.isEmpty ? [UInt8(ascii: "0")] : Array(digits), as: UTF8.self)),
              seconds <= latestEpochSeconds else {
            return .failure(Refusal(description: "is too large for epoch seconds (the latest is \(latestEpochSeconds), 9999-12-31T23:59:59Z)"))
        }
        if whole.count == 8, dot == nil, start == 0, UTCTime(parsing: String(decoding: bytes, as: UTF8.self) + "T0000Z") != nil {
            return .failure(Refusal(description: "is ambiguous: write a date as YYYY-MM-DD, or epoch seconds with at least 9 digits"))
        }
        return .success(UTCTime(secondsSinceEpoch: seconds))
    }

    /// `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH[:MM]|±HHMM]`; no zone means UTC, and an
    /// offset is taken away (`05:00+02:00` is `03:00Z`).
    private static func isoTime(_ bytes: [UInt8]) -> UTCTime? {
        func char(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        func number(_ offset: Int, _ count: Int) -> Int? {
            guard offset + count <= bytes.count else { return nil }
            var value = 0
            for index in offset..<(offset + count) {
                guard isDigit(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 16, char(4) == UInt8(ascii: "-"), char(7) == UInt8(ascii: "-"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
              let hour = number(11, 2), char(13) == UInt8(ascii: ":"), let minute = number(14, 2) else { return nil }
        var offset = 16
        var second = 0
        if char(offset) == UInt8(ascii: ":") {
            guard let value = number(offset + 1, 2) else { return nil }
            second = value
            offset += 3
            if char(offset) == UInt8(ascii: ".") || char(offset) == UInt8(ascii: ",") {
                offset += 1
                let fractionStart = offset
                while let c = char(offset), isDigit(c) { offset += 1 }
                guard offset > fractionStart else { return nil }
            }
        }
        var zoneSeconds: Int64 = 0
        switch char(offset) {
        case nil:
            break
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard offset + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = bytes[offset] == UInt8(ascii: "-") ? -1 : 1
            let rest = bytes.count - offset - 1
            guard let zoneHour = number(offset + 1, 2), zoneHour <= 23 else { return nil }
            var zoneMinute = 0
            switch rest {
            case 2: break
            case 4: guard let value = number(offset + 3, 2) else { return nil }; zoneMinute = value
            case 5:
                guard char(offset + 3) == UInt8(ascii: ":"), let value = number(offset + 4, 2) else { return nil }
                zoneMinute = value
            default: return nil
            }
            guard zoneMinute <= 59 else { return nil }
            zoneSeconds = sign * Int64(zoneHour * 3600 + zoneMinute * 60)
        default:
            return nil
        }
        guard let local = UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let time = local.adding(seconds: -zoneSeconds)
        guard time.secondsSinceEpoch >= 0, time.secondsSinceEpoch <= latestEpochSeconds else { return nil }
        return time
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
