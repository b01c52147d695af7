/// An S3 object key recognised as a CloudTrail digest or log file, with what its name tells.
public enum TrailObjectKey: Hashable, Sendable {
    /// `…/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_YYYYMMDDTHHMMSSZ[_backfill].json.gz`
    case digest(DigestKeyName)
    /// `…/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json.gz`
    case logFile(LogFileKeyName)

    /// Recognises `key`, or returns nil for any other object (Insights, Config, sidecars, junk).
    /// Byte-wise over the key's UTF-8, making strings only of the parts kept: a listing of a
    /// million keys is parsed in about a second.
    public init?(_ key: String) {
        var key = key
        key.makeContiguousUTF8()
        guard let parsed = key.utf8.withContiguousStorageIfAvailable({ TrailObjectKey.parse(key, $0) }) ?? nil else { return nil }
        self = parsed
    }

    private static func parse(_ key: String, _ bytes: UnsafeBufferPointer<UInt8>) -> TrailObjectKey? {
        // CloudTrail writes no empty, "." or ".." component (a leading or doubled slash, "./") and
        // no NUL: such a key is some other object, which the inventory then names or counts.
        guard hasPlainComponents(bytes) else { return nil }
        // The last nine slashes (at most) from the end: components count-1 (file) … count-9.
        // Held inline, and the fields below reserved at once: every key of a listing is parsed.
        var slashes = InlineArray<9, Int>(repeating: 0)
        var slashCount = 0
        var position = bytes.count - 1
        while position >= 0 && slashCount < 9 {
            if bytes[position] == slash {
                slashes[slashCount] = position
                slashCount += 1
            }
            position -= 1
        }
        guard slashCount >= 7 else { return nil }
        // component(k): the k-th component from the end (0: the file name).
        func component(_ k: Int) -> Range<Int> {
            let end = k == 0 ? bytes.count : slashes[k - 1]
            let start = k < slashCount ? slashes[k] + 1 : 0
            return start..<end
        }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            guard range.count == literal.utf8CodeUnitCount else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
            return true
        }
        func number(_ range: Range<Int>) -> Int? {
            guard !range.isEmpty else { return nil }
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= zero, byte <= nine else { return nil }
                value = value * 10 + Int(byte - zero)
            }
            return value
        }
        let fileName = component(0), dayPart = component(1), monthPart = component(2), yearPart = component(3)
        let regionPart = component(4), kindPart = component(5), accountPart = component(6)
        let isDigest: Bool
        if equals(kindPart, "CloudTrail") { isDigest = false } else if equals(kindPart, "CloudTrail-Digest") { isDigest = true } else { return nil }
        guard isAccountID(bytes[accountPart]), isRegion(bytes[regionPart]), yearPart.count == 4, monthPart.count == 2, dayPart.count == 2,
              let year = number(yearPart), let month = number(monthPart), let day = number(dayPart),
              UTCTime(year: year, month: month, day: day) != nil
        else { return nil }
        // [prefix/]AWSLogs/[o-id/]ACCOUNT: component 7 is AWSLogs, or an organization id before it.
        var logsIndex = 7
        var organizationID: String?
        let seventh = component(7)
        if isOrganizationID(bytes[seventh]) {
            organizationID = text(seventh)
            logsIndex = 8
        }
        guard logsIndex <= slashCount else { return nil }
        let logs = component(logsIndex)
        guard equals(logs, "AWSLogs") else { return nil }
        let prefix = logs.lowerBound == 0 ? "" : text(0..<(logs.lowerBound - 1))
        let account = text(accountPart), region = text(regionPart)
        let location = TrailLocation(keyPrefix: prefix, organizationID: organizationID, accountID: account, region: region)

        let suffix: StaticString = ".json.gz"
        guard fileName.count > suffix.utf8CodeUnitCount,
              equals((fileName.upperBound - suffix.utf8CodeUnitCount)..<fileName.upperBound, suffix) else { return nil }
        let stem = fileName.lowerBound..<(fileName.upperBound - suffix.utf8CodeUnitCount)
        var fields: [Range<Int>] = []
        fields.reserveCapacity(8)
        var fieldStart = stem.lowerBound
        for index in stem where bytes[index] == underscore {
            fields.append(fieldStart..<index)
            fieldStart = index + 1
        }
        fields.append(fieldStart..<stem.upperBound)
        func compactTime(_ range: Range<Int>, seconds: Bool) -> UTCTime? {
            // YYYYMMDDTHHMM[SS]Z
            guard range.count == (seconds ? 16 : 14), bytes[range.lowerBound + 8] == UInt8(ascii: "T"), bytes[range.upperBound - 1] == UInt8(ascii: "Z"),
                  let year = number(range.lowerBound..<(range.lowerBound + 4)), let month = number((range.lowerBound + 4)..<(range.lowerBound + 6)),
                  let day = number((range.lowerBound + 6)..<(range.lowerBound + 8)), let hour = number((range.lowerBound + 9)..<(range.lowerBound + 11)),
                  let minute = number((range.lowerBound + 11)..<(range.lowerBound + 13))
            else { return nil }
            let second = seconds ? number((range.lowerBound + 13)..<(range.lowerBound + 15)) : 0
            guard let second else { return nil }
            return UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        }
        func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { bytes[$0] == bytes[$1] }
        }
        if isDigest {
            let isBackfill = equals(fields[fields.count - 1], "backfill")
            if isBackfill { fields.removeLast() }
            // ACCOUNT, CloudTrail-Digest, REGION, TRAIL (may hold underscores), HOME, TIMESTAMP
            guard fields.count >= 6, sameBytes(fields[0], accountPart), equals(fields[1], "CloudTrail-Digest"), sameBytes(fields[2], regionPart),
                  let endTime = compactTime(fields[fields.count - 1], seconds: true), isRegion(bytes[fields[fields.count - 2]])
            else { return nil }
            let trailName = fields[3].lowerBound..<fields[fields.count - 3].upperBound
            guard isTrailName(bytes[trailName]) else { return nil }
            return .digest(DigestKeyName(
                key: key,
                chain: ChainID(location: location, trailName: text(trailName), homeRegion: text(fields[fields.count - 2]), isBackfill: isBackfill),
                endTime: endTime))
        }
        // ACCOUNT, CloudTrail, REGION, YYYYMMDDTHHMMZ, UNIQUE
        guard fields.count == 5, sameBytes(fields[0], accountPart), equals(fields[1], "CloudTrail"), sameBytes(fields[2], regionPart),
              let time = compactTime(fields[3], seconds: false), isUniquePart(bytes[fields[4]]),
              sameBytes(fields[3].lowerBound..<(fields[3].lowerBound + 4), yearPart),
              sameBytes((fields[3].lowerBound + 4)..<(fields[3].lowerBound + 6), monthPart),
              sameBytes((fields[3].lowerBound + 6)..<(fields[3].lowerBound + 8), dayPart)
        else { return nil }
        return .logFile(LogFileKeyName(key: key, location: location, deliveryMinute: time))
    }

    /// True when no component of the key is empty, "." or "..", and no byte is NUL (nor, with
    /// `refusingBackslash`, a backslash). One tight pass: every key of a listing goes through it.
    static func hasPlainComponents(_ bytes: UnsafeBufferPointer<UInt8>, refusingBackslash: Bool = false) -> Bool {
        var length = 0, dots = 0
        for byte in bytes {
            if byte == slash {
                if length == 0 || (dots == length && length <= 2) { return false }
                (length, dots) = (0, 0)
                continue
            }
            if byte == 0 || (refusingBackslash && byte == UInt8(ascii: "\\")) { return false }
            length += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
        return length > 0 && !(dots == length && length <= 2)
    }

    /// An AWS Organizations id as CloudTrail writes it in a key: `o-` and 10 to 32 lower-case
    /// letters and digits.
    static func isOrganizationID<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard (12...34).contains(bytes.count), bytes.starts(with: [UInt8(ascii: "o"), UInt8(ascii: "-")]) else { return false }
        return bytes.dropFirst(2).allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static let slash = UInt8(ascii: "/"), underscore = UInt8(ascii: "_"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

    /// The location and time a trail object's key (or its digest's `.metadata.json` sidecar) names:
    /// a digest's end time, a log file's delivery minute; nil for any other key.
    public static func locationAndTime(ofKey key: String) -> (location: TrailLocation, time: UTCTime)? {
        let suffix = SavedSignature.sidecarSuffix
        let name = key.hasByteSuffix(suffix) ? String(decoding: key.utf8.dropLast(suffix.utf8.count), as: UTF8.self) : key
        switch TrailObjectKey(name) {
        case .digest(let digest): return (digest.chain.location, digest.endTime)
        case .logFile(let log): return (log.location, log.deliveryMinute)
        case nil: return nil
        }
    }

    // Each rule is written once, over UTF-8 bytes: the parser hands it a slice of the key's
    // bytes, the String forms (for ARNs, DescribeTrails answers, sign files) the string's UTF-8.

    static func isAccountID(_ text: String) -> Bool { isAccountID(text.utf8) }

    static func isAccountID<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        bytes.count == 12 && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// CloudTrail trail names: up to 128 letters, digits, periods, underscores and dashes.
    static func isTrailName(_ text: String) -> Bool { isTrailName(text.utf8) }

    static func isTrailName<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        (1...128).contains(bytes.count) && bytes.allSatisfy { byte in
            isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// The unique part CloudTrail gives a log file name: letters and digits (16 of them today).
    static func isUniquePart(_ text: String) -> Bool { isUniquePart(text.utf8) }

    static func isUniquePart<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        (1...64).contains(bytes.count) && bytes.allSatisfy(isAlphanumeric)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isRegion(_ text: String) -> Bool { isRegion(text.utf8) }

    static func isRegion<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-4 …: at least three
        // dash-separated pieces, each but the last lower-case letters, the last digits, none empty.
        // One pass, nothing allocated (every key of a listing is checked).
        var pieces = 1, length = 0, allLetters = true, allDigits = true
        for byte in bytes {
            if byte == UInt8(ascii: "-") {
                guard length > 0, allLetters else { return false }
                (pieces, length, allLetters, allDigits) = (pieces + 1, 0, true, true)
                continue
            }
            length += 1
            if byte < UInt8(ascii: "a") || byte > UInt8(ascii: "z") { allLetters = false }
            if byte < zero || byte > nine { allDigits = false }
        }
        return pieces >= 3 && length > 0 && allDigits
    }

    /// Splits on one ASCII byte, keeping empty pieces (byte-wise: much faster than Character-wise).
    static func split(_ text: String, on separator: UInt8) -> [String] {
        text.utf8.split(separator: separator, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }
}

/// What a digest's object key says about it.
public struct DigestKeyName: Hashable, Sendable {
    /// The full object key.
    public var key: String
    /// The chain the name places the digest in.
    public var chain: ChainID
    /// The digestEndTime encoded in the name.
    public var endTime: UTCTime

    public static func == (lhs: DigestKeyName, rhs: DigestKeyName) -> Bool { lhs.key.sameBytes(as: rhs.key) }

    public func hash(into hasher: inout Hasher) { hasher.combineBytes(of: key) }
}

/// What a log file's object key says about it.
public struct LogFileKeyName: Hashable, Sendable {
    /// The full object key.
    public var key: String
    /// The bucket location of the log file.
    public var location: TrailLocation
    /// The delivery time in the name, to the minute.
    public var deliveryMinute: UTCTime

    public static func == (lhs: LogFileKeyName, rhs: LogFileKeyName) -> Bool { lhs.key.sameBytes(as: rhs.key) }

    public func hash(into hasher: inout Hasher) { hasher.combineBytes(of: key) }
}
