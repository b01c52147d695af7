/// A UTC instant with one-second resolution, as CloudTrail writes times.
public struct UTCTime: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    /// Creates a time from seconds since the Unix epoch.
    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// Creates a time from calendar fields (UTC), or nil when a field is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1970...9999).contains(year), (1...12).contains(month), (1...UTCTime.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = UTCTime.daysFromCivil(year: year, month: month, day: day)
        secondsSinceEpoch = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public static func < (lhs: UTCTime, rhs: UTCTime) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    /// This time moved by `seconds`.
    public func adding(seconds: Int64) -> UTCTime { UTCTime(secondsSinceEpoch: secondsSinceEpoch + seconds) }

    /// ISO 8601 with seconds and `Z`: `2026-01-08T05:21:42Z`, CloudTrail's own form.
    public var iso8601: String {
        let (year, month, day) = UTCTime.civil(fromDays: floorDiv(secondsSinceEpoch, 86_400))
        let secondOfDay = Int(secondsSinceEpoch - floorDiv(secondsSinceEpoch, 86_400) * 86_400)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    /// The start of the day a date folder (`YYYY/MM/DD`, as `keyDatePath` writes it) names.
    init?(dateFolder: String) {
        let parts = dateFolder.split(separator: "/")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The calendar date as `YYYY/MM/DD`, as in S3 key folders.
    public var keyDatePath: String {
        let (year, month, day) = UTCTime.civil(fromDays: floorDiv(secondsSinceEpoch, 86_400))
        return "\(pad(year, 4))/\(pad(month, 2))/\(pad(day, 2))"
    }

    /// Compact form used in object names: `YYYYMMDDTHHMMSSZ` or, without seconds, `YYYYMMDDTHHMMZ`.
    public func compact(withSeconds: Bool) -> String {
        let iso = Array(iso8601.utf8)
        let digits = iso.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let date = String(decoding: digits[0..<8], as: UTF8.self)
        let time = String(decoding: digits[8..<(withSeconds ? 14 : 12)], as: UTF8.self)
        return "\(date)T\(time)Z"
    }

    public var description: String { iso8601 }

    /// Parses `2026-01-08T05:21:42Z` (fractional seconds and `+00:00` accepted), a bare date
    /// `2026-01-08` (midnight), or the compact `20260108T052142Z` / `20260108T0521Z` forms.
    public init?(parsing text: String) {
        self.init(utf8: Array(text.utf8)[...])
    }

    /// Parses the UTF-8 bytes of a time (the forms `init(parsing:)` takes), without allocating.
    init?(utf8 bytes: ArraySlice<UInt8>) {
        let base = bytes.startIndex, count = bytes.count
        func char(_ offset: Int) -> UInt8? { offset < count ? bytes[base + offset] : nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= count, !range.isEmpty else { return nil }
            var value = 0
            for offset in range {
                let char = bytes[base + offset]
                guard char >= UInt8(ascii: "0"), char <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(char - UInt8(ascii: "0"))
            }
            return value
        }

        if count >= 10, char(4) == UInt8(ascii: "-"), char(7) == UInt8(ascii: "-") {
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            if count == 10 {
                self.init(year: year, month: month, day: day)
                return
            }
            guard count >= 19, char(10) == UInt8(ascii: "T") || char(10) == UInt8(ascii: " "),
                  char(13) == UInt8(ascii: ":"), char(16) == UInt8(ascii: ":"),
                  let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
            var offset = 19
            if char(offset) == UInt8(ascii: ".") {
                offset += 1
                let fractionStart = offset
                while let c = char(offset), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { offset += 1 }
                guard offset > fractionStart else { return nil }
            }
            let zone = bytes[(base + offset)...]
            guard zone.elementsEqual("Z".utf8) || zone.elementsEqual("+00:00".utf8) || zone.elementsEqual("+0000".utf8) else { return nil }
            self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            return
        }
        // Compact forms.
        guard count == 16 || count == 14, char(8) == UInt8(ascii: "T"), bytes.last == UInt8(ascii: "Z"),
              let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13) else { return nil }
        let second = count == 16 ? number(13..<15) : 0
        guard let second else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = UTCTime(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UTC ISO 8601 time: \(text)")
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// A closed span of time.
public struct TimeSpan: Hashable, Sendable, Codable {
    /// First instant of the span.
    public var start: UTCTime
    /// Last instant of the span.
    public var end: UTCTime

    /// Creates a span; `start` may equal `end`.
    public init(start: UTCTime, end: UTCTime) {
        self.start = start
        self.end = end
    }

    /// Length in seconds.
    public var seconds: Int64 { end.secondsSinceEpoch - start.secondsSinceEpoch }

    /// True when `time` lies inside the span.
    public func contains(_ time: UTCTime) -> Bool { start <= time && time <= end }

    /// `start to end` in ISO 8601.
    public var text: String { "\(start.iso8601) to \(end.iso8601)" }

    /// `spans` sorted and merged where they meet or overlap (within a minute, as chain
    /// coverage is merged), oldest first.
    public static func merged(_ spans: [TimeSpan]) -> [TimeSpan] {
        var merged: [TimeSpan] = []
        for span in spans.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, span.start <= last.end.adding(seconds: 60) {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}
