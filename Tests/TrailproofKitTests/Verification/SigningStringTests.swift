import Testing
@testable import TrailproofKit

@Suite struct SigningStringTests {
    func digest(previous: PreviousDigestLink?) throws -> Digest {
        Digest(accountID: "111122223333", startTime: try #require(UTCTime(parsing: "2015-08-17T14:01:31Z")),
               endTime: try #require(UTCTime(parsing: "2015-08-17T15:01:31Z")), endTimeText: "2015-08-17T15:01:31Z",
               bucket: "b", object: "AWSLogs/d.json.gz", publicKeyFingerprint: "f", signatureAlgorithm: "SHA256withRSA",
               previous: previous, logFiles: [])
    }

    @Test func joinsTheFourFieldsWithNewlinesAndNoTrailingNewline() throws {
        let link = PreviousDigestLink(bucket: "b", object: "p", hashValue: "h", hashAlgorithm: "SHA-256", signature: "abcd")
        let bytes = SigningString.bytes(for: try digest(previous: link), digestSHA256Hex: "0123")
        #expect(String(decoding: bytes, as: UTF8.self) == "2015-08-17T15:01:31Z\nb/AWSLogs/d.json.gz\n0123\nabcd")
    }

    @Test func aChainsFirstDigestSignsTheLiteralNull() throws {
        let bytes = SigningString.bytes(for: try digest(previous: nil), digestSHA256Hex: "0123")
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("\n0123\nnull"))
    }
}
