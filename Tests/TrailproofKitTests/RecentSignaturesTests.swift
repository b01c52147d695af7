import Testing
@testable import TrailproofKit

/// What an S3 store keeps of the signatures that came with its GetObject responses: each handed
/// out once, at most `capacity` held, the oldest dropped first, names compared byte for byte.
@Suite struct RecentSignaturesTests {
    private func signature(_ n: Int) -> SavedSignature {
        SavedSignature(signatureHex: String(n, radix: 16), algorithm: "SHA256withRSA", source: .s3Metadata)
    }

    @Test func aSignatureIsHandedOutOnce() {
        var recent = RecentSignatures()
        recent.keep(signature(1), for: ObjectKey("a"))
        #expect(recent.take(ObjectKey("a"))?.signatureHex == "1")
        #expect(recent.take(ObjectKey("a")) == nil)
        #expect(recent.count == 0)
    }

    @Test(arguments: [1, 7, 300])
    func theHeldCountStaysWithinCapacityAndTheNewestAreKept(seed: Int) {
        var recent = RecentSignatures()
        let total = RecentSignatures.capacity * 3 + seed
        for n in 0..<total { recent.keep(signature(n), for: ObjectKey("key-\(n)")) }
        #expect(recent.count == RecentSignatures.capacity)
        #expect(recent.take(ObjectKey("key-\(total - RecentSignatures.capacity - 1)")) == nil, "older than the last `capacity`")
        #expect(recent.take(ObjectKey("key-\(total - RecentSignatures.capacity)"))?.signatureHex
                == String(total - RecentSignatures.capacity, radix: 16))
        #expect(recent.take(ObjectKey("key-\(total - 1)"))?.signatureHex == String(total - 1, radix: 16))
    }

    @Test func aKeyKeptAgainIsNotDroppedWithItsOlderSlot() {
        var recent = RecentSignatures()
        recent.keep(signature(0), for: ObjectKey("again"))
        for n in 1..<RecentSignatures.capacity { recent.keep(signature(n), for: ObjectKey("key-\(n)")) }
        recent.keep(signature(999), for: ObjectKey("again"))  // the ring is full: drops slot 0, which "again" left
        recent.keep(signature(1000), for: ObjectKey("next"))
        #expect(recent.take(ObjectKey("again"))?.signatureHex == String(999, radix: 16))
        #expect(recent.count <= RecentSignatures.capacity)
    }

    @Test func namesAreComparedByTheirBytes() {
        var recent = RecentSignatures()
        recent.keep(signature(1), for: ObjectKey("caf\u{E9}.json.gz"))
        #expect(recent.take(ObjectKey("cafe\u{301}.json.gz")) == nil, "a canonically equivalent spelling is another object")
        recent.keep(signature(2), for: ObjectKey("\u{212A}ey"))
        #expect(recent.take(ObjectKey("Key")) == nil)
        #expect(recent.take(ObjectKey("caf\u{E9}.json.gz"))?.signatureHex == "1")
    }
}
