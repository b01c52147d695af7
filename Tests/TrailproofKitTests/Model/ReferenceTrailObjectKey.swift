import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// The reference parse of object keys (the String-wise one the byte-wise parser replaced), kept
/// as an oracle: both must recognise exactly the same keys, the same way.
enum ReferenceTrailObjectKey {
    static func parse(_ key: String) -> TrailObjectKey? {
        let parts = TrailObjectKey.split(key, on: UInt8(ascii: "/"))
        guard parts.count >= 8 else { return nil }
        // No empty, "." or ".." component, no NUL: CloudTrail writes none.
        guard !parts.contains(where: { $0.utf8.isEmpty || $0.utf8.elementsEqual(".".utf8) || $0.utf8.elementsEqual("..".utf8) }),
              !key.utf8.contains(0) else { return nil }
        let count = parts.count
        let fileName = parts[count - 1]
        let (day, month, year) = (parts[count - 2], parts[count - 3], parts[count - 4])
        let region = parts[count - 5]
        let kindFolder = parts[count - 6]
        let account = parts[count - 7]
        guard kindFolder == "CloudTrail" || kindFolder == "CloudTrail-Digest",
              TrailObjectKey.isAccountID(account), isRegion(region),
              year.count == 4, month.count == 2, day.count == 2,
              let folderDate = UTCTime(parsing: "\(year)-\(month)-\(day)")
        else { return nil }
        var index = count - 8
        var organizationID: String?
        let orgID = parts[index].utf8
        if orgID.starts(with: "o-".utf8), (12...34).contains(orgID.count),
           orgID.dropFirst(2).allSatisfy({ ("a"..."z").contains(Character(Unicode.Scalar($0))) || ("0"..."9").contains(Character(Unicode.Scalar($0))) }) {
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
                  isRegion(fields[fields.count - 2])
            else { return nil }
            let trailName = fields[3..<(fields.count - 2)].joined(separator: "_")
            guard TrailObjectKey.isTrailName(trailName) else { return nil }
            return .digest(DigestKeyName(
                key: key,
                chain: ChainID(location: location, trailName: trailName, homeRegion: fields[fields.count - 2], isBackfill: isBackfill),
                endTime: endTime))
        } else {
            // ACCOUNT, CloudTrail, REGION, YYYYMMDDTHHMMZ, UNIQUE
            guard fields.count == 5, fields[0] == account, fields[1] == "CloudTrail", fields[2] == region,
                  fields[3].count == 14, let time = UTCTime(parsing: fields[3]), TrailObjectKey.isUniquePart(fields[4]),
                  time.keyDatePath == folderDate.keyDatePath
            else { return nil }
            return .logFile(LogFileKeyName(key: key, location: location, deliveryMinute: time))
        }
    }
}

extension ReferenceTrailObjectKey {
    /// The reference region rule (split on "-", then each piece checked): at least three pieces,
    /// each but the last one or more lower-case ASCII letters, the last one or more ASCII digits.
    static func isRegion(_ text: String) -> Bool {
        let pieces = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard pieces.count >= 3, let last = pieces.last, !last.isEmpty,
              last.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        return pieces.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } }
    }
}

/// The one-pass region check agrees with the reference rule on real regions and on random
/// strings over the bytes that matter (letters at both ends of the range, digits, dashes, and
/// bytes just outside them).
@Suite struct RegionRuleDifferentialTests {
    @Test func realRegionsAreRegionsAndNearMissesAreNot() {
        for region in ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-4", "a-b-0", "il-central-10"] {
            #expect(TrailObjectKey.isRegion(region), "\(region)")
        }
        for text in ["", "-", "us-east", "us-1", "us--east-1", "-us-east-1", "us-east-1-", "us-east-", "Us-east-1", "us-east-1a",
                     "us-east-\u{661}", "us_east_1", "us-éast-1", "us-east-1\u{0}", "us-eas`-1", "us-eas{-1", "us-east-/", "us-east-:"] {
            #expect(!TrailObjectKey.isRegion(text), "\(text.debugDescription)")
        }
    }

    @Test(arguments: 0..<4)
    func theOnePassCheckAgreesWithTheReference(round: Int) {
        var generator = SeededGenerator(seed: UInt64(round) &* 0x2545_F491_4F6C_DD1D &+ 7)
        let alphabet: [UInt8] = Array("az09-".utf8) + [UInt8(ascii: "a") - 1, UInt8(ascii: "z") + 1, UInt8(ascii: "0") - 1,
                                                         UInt8(ascii: "9") + 1, UInt8(ascii: "A"), 0, 0xC3, 0xA9]
        var regionsAmongThem = 0
        for _ in 0..<20_000 {
            // Half shaped like a region (pieces of letters or digits joined by dashes, one byte
            // sometimes changed), half any bytes of the alphabet.
            var bytes: [UInt8]
            if Bool.random(using: &generator) {
                let pieces = (0..<Int.random(in: 1...4, using: &generator)).map { _ -> [UInt8] in
                    let set = Bool.random(using: &generator) ? Array("az".utf8) : Array("09".utf8)
                    return (0..<Int.random(in: 0...3, using: &generator)).map { _ in set.randomElement(using: &generator)! }
                }
                bytes = Array(pieces.joined(separator: [UInt8(ascii: "-")]))
                if !bytes.isEmpty, Int.random(in: 0..<3, using: &generator) == 0 {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator)!
                }
            } else {
                bytes = (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = ReferenceTrailObjectKey.isRegion(text)
            #expect(TrailObjectKey.isRegion(text) == expected, "\(text.debugDescription)")
            #expect(TrailObjectKey.isRegion(bytes) == expected, "\(bytes)")
            if expected { regionsAmongThem += 1 }
        }
        #expect(regionsAmongThem > 50, "the random strings include regions, not only non-regions")
    }
}

/// The byte-wise parser agrees with the reference on real names and on thousands of hostile
/// variations of them.
@Suite struct TrailObjectKeyDifferentialTests {
    static let seeds = [
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/111122223333_CloudTrail_us-east-1_20260108T0521Z_abcDEF0123456789.json.gz",
        "cloudtrail/prod/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/eu-west-2/2026/01/08/111122223333_CloudTrail-Digest_eu-west-2_my_trail.name-1_eu-west-2_20260108T052142Z.json.gz",
        "AWSLogs/111122223333/CloudTrail-Digest/us-gov-west-1/2026/02/28/111122223333_CloudTrail-Digest_us-gov-west-1_t_us-east-1_20260228T235959Z_backfill.json.gz",
        "AWSLogs/o-zz00000000/444455556666/CloudTrail/ap-southeast-4/2024/02/29/444455556666_CloudTrail_ap-southeast-4_20240229T2359Z_X.json.gz",
    ]
    static let insertions = ["/", "//", "./", "../", "_", "-", ".", "o-", "0", "9", "a", "Z", "T", "\u{301}", "\u{212A}", "é", "\u{0}", " ", "AWSLogs", "CloudTrail", ".json.gz", "backfill"]

    @Test(arguments: 0..<8)
    func theByteWiseParserAgreesWithTheReference(round: Int) {
        var generator = SeededGenerator(seed: UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        var checked = 0, recognised = 0
        for seed in Self.seeds {
            #expect(TrailObjectKey(seed) != nil, "\(seed)")
            for _ in 0..<2_000 {
                var scalars = Array(seed.unicodeScalars)
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let at = Int.random(in: 0..<scalars.count, using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: scalars.remove(at: at)
                    case 1: scalars.insert(contentsOf: Self.insertions.randomElement(using: &generator)!.unicodeScalars, at: at)
                    case 2: scalars[at] = Self.insertions.randomElement(using: &generator)!.unicodeScalars.first!
                    default:
                        let end = min(scalars.count, at + Int.random(in: 1...12, using: &generator))
                        scalars.removeSubrange(at..<end)
                    }
                    if scalars.isEmpty { scalars = Array("x".unicodeScalars) }
                }
                var key = ""
                key.unicodeScalars.append(contentsOf: scalars)
                let fast = TrailObjectKey(key), reference = ReferenceTrailObjectKey.parse(key)
                #expect(fast == reference, "\(key.debugDescription)")
                checked += 1
                if fast != nil { recognised += 1 }
            }
        }
        #expect(checked == 8_000)
        #expect(recognised > 100, "some variations still name trail objects")
    }
}
