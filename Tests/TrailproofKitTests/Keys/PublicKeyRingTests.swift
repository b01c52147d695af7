import Testing
@testable import TrailproofKit
import TrailproofTrailGen

@Suite struct PublicKeyRingTests {
    static let awsValue = "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB"

    @Test func readsTheRealAWSKeyWithEpochTimes() throws {
        let json = """
            {"PublicKeyList": [{"ValidityStartTime": 1436317441.0, "ValidityEndTime": 1438909441.0,
              "Value": "\(Self.awsValue)", "Fingerprint": "7f3f401420072e50a65a141430817ab3"}]}
            """
        let keys = try PublicKeyRing.parseListPublicKeys(Array(json.utf8), name: "aws.json")
        #expect(keys.count == 1)
        #expect(keys[0].fingerprint == "7f3f401420072e50a65a141430817ab3")
        #expect(keys[0].rsa.bits == 2048)
        #expect(keys[0].validityStart?.iso8601 == "2015-07-08T01:04:01Z")
    }

    @Test func readsISOTimesAsTheCLIPrintsThemWithOtherSettings() throws {
        let json = """
            {"PublicKeyList": [{"ValidityStartTime": "2015-07-08T01:04:01+00:00", "ValidityEndTime": "2015-08-07T01:04:01Z",
              "Value": "\(Self.awsValue)", "Fingerprint": "7F3F401420072E50A65A141430817AB3"}]}
            """
        let keys = try PublicKeyRing.parseListPublicKeys(Array(json.utf8), name: "aws.json")
        #expect(keys[0].validityEnd?.iso8601 == "2015-08-07T01:04:01Z")
        #expect(keys[0].fingerprint == "7f3f401420072e50a65a141430817ab3")
    }

    @Test func aValueThatDoesNotHashToItsFingerprintMakesTheFileAnError() {
        let json = """
            {"PublicKeyList": [{"Value": "\(Self.awsValue)", "Fingerprint": "00000000000000000000000000000000"}]}
            """
        #expect(throws: KeyFileError.self) { try PublicKeyRing.parseListPublicKeys(Array(json.utf8), name: "bad.json") }
    }

    @Test func lookupHonoursTheDeliveryWindow() throws {
        let key = try SigningAuthority.key(0)
        let start = try #require(UTCTime(parsing: "2026-01-08T00:00:00Z"))
        let json = SigningAuthority.listPublicKeysJSON([(key, TimeSpan(start: start, end: start.adding(seconds: 86_400)))], epochTimes: false)
        let ring = PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(json, name: "k.json"))
        func found(_ end: UTCTime) -> Bool { if case .found = ring.lookup(fingerprint: key.fingerprint, digestEnd: end) { true } else { false } }
        #expect(found(start.adding(seconds: 3600)))
        #expect(found(start.adding(seconds: -3600)), "signed at delivery, after the key's start")
        #expect(!found(start.adding(seconds: -3 * 3600)))
        #expect(!found(start.adding(seconds: 2 * 86_400)))
        if case .unknownFingerprint = ring.lookup(fingerprint: "ffff", digestEnd: start) {} else { Issue.record("unknown fingerprint found") }
    }
}
