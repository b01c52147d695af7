/// An S3 object key recognised as a CloudTrail digest or log file, with what its name tells.
public enum TrailObjectKey: Hashable, Sendable {
    /// `…/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_YYYYMMDDTHHMMSSZ[_backfill].json.gz`
    case digest(DigestKeyName)
    /// `…/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json.gz`
    case logFile(LogFileKeyName)

    /// Recognises `key`, or returns nil for any other object (Insights, Config, sidecars, junk).
    public init?(_ key: String) {
        let parts = TrailObjectKey.split(key, on: UInt8(ascii: "/"))
        guard parts.count >= 8 else { return nil }
        let count = parts.count
        let fileName = parts[count - 1]
        let (day, month, year) = (parts[count - 2], parts[count - 3], parts[count - 4])
        let region = parts[count - 5]
        let kindFolder = parts[count - 6]
        let account = parts[count - 7]
        guard kindFolder == "CloudTrail" || kindFolder == "CloudTrail-Digest",
              TrailObjectKey.isAccountID(account), TrailObjectKey.isRegion(region),
              year.count == 4, month.count == 2, day.count == 2,
              let folderDate = UTCTime(parsing: "\(year)-\(month)-\(day)")
        else { return nil }
        var index = count - 8
        var organizationID: String?
        if parts[index].hasPrefix("o-"), parts[index] != "AWSLogs" {
            organizationID = parts[index]
            index -= 1
        }
        guard index >= 0, parts[index] == "AWSLogs" else { return nil }
        let prefix = parts[0..<index].joined(separator: "/")
        let location = TrailLocation(keyPrefix: prefix, organizationID: organizationID, accountID: account, region: region)

        guard fileName.hasSuffix(".json.gz") else { return nil }
        let stem = String(fileName.dropLast(".json.gz".count))
        var fields = TrailObjectKey.split(stem, on: UInt8(ascii: "_"))
        if kindFolder == "CloudTrail-Digest" {
            let isBackfill = fields.last == "backfill"
            if isBackfill { fields.removeLast() }
            // ACCOUNT, CloudTrail-Digest, REGION, TRAIL (may hold underscores), HOME, TIMESTAMP
            guard fields.count >= 6, fields[0] == account, fields[1] == "CloudTrail-Digest", fields[2] == region,
                  let endTime = UTCTime(parsing: fields[fields.count - 1]), fields[fields.count - 1].count == 16,
                  TrailObjectKey.isRegion(fields[fields.count - 2])
            else { return nil }
            let trailName = fields[3..<(fields.count - 2)].joined(separator: "_")
            guard TrailObjectKey.isTrailName(trailName) else { return nil }
            self = .digest(DigestKeyName(
                key: key,
                chain: ChainID(location: location, trailName: trailName, homeRegion: fields[fields.count - 2], isBackfill: isBackfill),
                endTime: endTime))
        } else {
            // ACCOUNT, CloudTrail, REGION, YYYYMMDDTHHMMZ, UNIQUE
            guard fields.count == 5, fields[0] == account, fields[1] == "CloudTrail", fields[2] == region,
                  fields[3].count == 14, let time = UTCTime(parsing: fields[3]), TrailObjectKey.isUniquePart(fields[4]),
                  time.keyDatePath == folderDate.keyDatePath
            else { return nil }
            self = .logFile(LogFileKeyName(key: key, location: location, deliveryMinute: time))
        }
    }

    /// The location and time a trail object's key (or its digest's `.metadata.json` sidecar) names:
    /// a digest's end time, a log file's delivery minute; nil for any other key.
    public static func locationAndTime(ofKey key: String) -> (location: TrailLocation, time: UTCTime)? {
        let suffix = SavedSignature.sidecarSuffix
        let name = key.hasSuffix(suffix) ? String(key.dropLast(suffix.count)) : key
        switch TrailObjectKey(name) {
        case .digest(let digest): return (digest.chain.location, digest.endTime)
        case .logFile(let log): return (log.location, log.deliveryMinute)
        case nil: return nil
        }
    }

    static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// CloudTrail trail names: up to 128 letters, digits, periods, underscores and dashes.
    static func isTrailName(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// The unique part CloudTrail gives a log file name: letters and digits (16 of them today).
    static func isUniquePart(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy(isAlphanumeric)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isRegion(_ text: String) -> Bool {
        // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-4 …
        let pieces = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard pieces.count >= 3, let last = pieces.last, !last.isEmpty,
              last.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        return pieces.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } }
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
}

/// What a log file's object key says about it.
public struct LogFileKeyName: Hashable, Sendable {
    /// The full object key.
    public var key: String
    /// The bucket location of the log file.
    public var location: TrailLocation
    /// The delivery time in the name, to the minute.
    public var deliveryMinute: UTCTime
}
