import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// JSON written with JSONEncoder where Foundation's JSONSerialization used to write it: values
/// passed through (`JSONValue`), the list-public-keys file and the archive's signature sidecar.
@Suite struct JSONValueEncodingTests {
    static func compact(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func aParsedValueIsWrittenBackWithItsNumbersValuesAndMembers() throws {
        let value = try StrictJSON.parse(Array(#"{"z":{"b":-3e2,"a":2.5},"a":[1,"x/y\u0001",null,true,false,[]],"big":12345678901234}"#.utf8))
        #expect(try Self.compact(value) == #"{"a":[1,"x\/y\u0001",null,true,false,[]],"big":12345678901234,"z":{"a":2.5,"b":-300}}"#)
        #expect(try StrictJSON.parse(Array(try Self.compact(value).utf8)) != value, "-3e2 is written as -300")
        let plain = try StrictJSON.parse(Array(#"{"a":[1,"x",{"b":2.5}]}"#.utf8))
        #expect(try StrictJSON.parse(Array(try Self.compact(plain).utf8)) == plain)
    }

    @Test func aRingIsWrittenAsAListPublicKeysFileThatReadsBackTheSame() throws {
        let start = try #require(UTCTime(parsing: "2026-01-08T00:00:00Z"))
        let keys = [(try SigningAuthority.key(0), TimeSpan(start: start, end: start.adding(seconds: 86_400))),
                    (try SigningAuthority.key(1), TimeSpan(start: start.adding(seconds: 86_400), end: start.adding(seconds: 2 * 86_400)))]
        let ring = PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(SigningAuthority.listPublicKeysJSON(keys), name: "in.json"))
        let written = try ring.listPublicKeysJSON()
        let text = String(decoding: written, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"PublicKeyList\" : [\n"), "pretty-printed as before: \(text.prefix(40))")
        #expect(text.contains("\"ValidityStartTime\" : \"2026-01-08T00:00:00Z\""))
        let again = PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(written, name: "out.json"))
        #expect(again.keys.map(\.fingerprint) == ring.keys.map(\.fingerprint))
        #expect(again.keys.map(\.der) == ring.keys.map(\.der))
        for key in ring.keys {
            #expect(again.validity(of: key.fingerprint).map { "\($0.start?.iso8601 ?? "-") \($0.end?.iso8601 ?? "-")" }
                    == ring.validity(of: key.fingerprint).map { "\($0.start?.iso8601 ?? "-") \($0.end?.iso8601 ?? "-")" })
        }
    }

    @Test func theSignatureSidecarReadsBackAndLeavesOutWhatIsAbsent() throws {
        var saved = SavedSignature(signatureHex: "ab12", algorithm: "SHA256withRSA", source: .metadataFile)
        saved.backfillGenerationTimestamp = "2026-01-08T00:00:00Z"
        let full = String(decoding: saved.metadataJSON, as: UTF8.self)
        #expect(full == """
            {
              "Metadata" : {
                "backfill-generation-timestamp" : "2026-01-08T00:00:00Z",
                "signature" : "ab12",
                "signature-algorithm" : "SHA256withRSA"
              }
            }
            """)
        let back = try #require(SavedSignature(metadataJSON: saved.metadataJSON))
        #expect(back.signatureHex == "ab12" && back.algorithm == "SHA256withRSA" && back.backfillGenerationTimestamp == "2026-01-08T00:00:00Z")
        let bare = SavedSignature(signatureHex: "cd34", algorithm: nil, source: .metadataFile)
        #expect(String(decoding: bare.metadataJSON, as: UTF8.self) == "{\n  \"Metadata\" : {\n    \"signature\" : \"cd34\"\n  }\n}")
    }
}
