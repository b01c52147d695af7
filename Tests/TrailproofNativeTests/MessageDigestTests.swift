import Testing
import TrailproofNative

@Suite struct MessageDigestTests {
    // FIPS 180-2 and RFC 1321 test vectors.
    static let sha256Vectors: [(input: String, hex: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]
    static let md5Vectors: [(input: String, hex: String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    ]

    @Test(arguments: sha256Vectors.indices)
    func sha256MatchesThePublishedVector(_ index: Int) throws {
        let vector = Self.sha256Vectors[index]
        #expect(try MessageDigest.sha256Hex(Array(vector.input.utf8)) == vector.hex)
    }

    @Test(arguments: md5Vectors.indices)
    func md5MatchesThePublishedVector(_ index: Int) throws {
        let vector = Self.md5Vectors[index]
        #expect(try MessageDigest.md5Hex(Array(vector.input.utf8)) == vector.hex)
    }

    @Test func sha256OfOneMillionAsFedInUnevenPiecesMatchesThePublishedVector() throws {
        let digest = try MessageDigest(.sha256)
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let count = min(piece, remaining)
            try digest.update([UInt8](repeating: UInt8(ascii: "a"), count: count))
            remaining -= count
            piece = piece * 3 + 1
        }
        #expect(Hex.encode(try digest.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [MessageDigest.Algorithm.sha256, .md5])
    func streamingInPiecesEqualsOneShot(_ algorithm: MessageDigest.Algorithm) throws {
        var generator = SplitMix(seed: 7)
        let data = (0..<100_003).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let oneShot = try MessageDigest(algorithm)
        try oneShot.update(data)
        let expected = try oneShot.finish()

        let streamed = try MessageDigest(algorithm)
        var offset = 0
        while offset < data.count {
            // Pieces of 0 to 4096 bytes, through both update entry points.
            let count = min(Int.random(in: 0...4096, using: &generator), data.count - offset)
            let piece = Array(data[offset..<offset + count])
            if count % 2 == 0 {
                try streamed.update(piece)
            } else {
                try piece.withUnsafeBytes { try streamed.update($0.baseAddress!, count: $0.count) }
            }
            offset += count
        }
        #expect(try streamed.finish() == expected)
        #expect(expected.count == (algorithm == .sha256 ? 32 : 16))
    }

    @Test func resetStartsOverAfterFinishing() throws {
        let digest = try MessageDigest(.sha256)
        try digest.update(Array("something else entirely".utf8))
        _ = try digest.finish()
        try digest.reset()
        try digest.update(Array("abc".utf8))
        #expect(Hex.encode(try digest.finish()) == Self.sha256Vectors[1].hex)

        // Reset in the middle discards what was fed so far.
        try digest.reset()
        try digest.update(Array("discarded".utf8))
        try digest.reset()
        #expect(Hex.encode(try digest.finish()) == Self.sha256Vectors[0].hex)
    }

    @Test func finishingAgainWithoutAResetHashesTheEmptyMessageAndTheInlineResultEqualsTheBytes() throws {
        let digest = try MessageDigest(.sha256)
        for (input, hex) in Self.sha256Vectors {
            try digest.update(Array(input.utf8))
            let value = try digest.finishSHA256()
            #expect(value.hex == hex)
            #expect(value == SHA256Value(bytes: Hex.decode(hex)!))
            // A finished digest is a new, empty message: finishing again needs no reset.
            #expect(try digest.finishSHA256().hex == Self.sha256Vectors[0].hex)
            #expect(Hex.encode(try digest.finish()) == Self.sha256Vectors[0].hex)
        }
    }

    @Test func theInlineResultMatchesOnlyItsOwnLowerCaseHexByteForByte() throws {
        let hex = Self.sha256Vectors[1].hex
        let value = try #require(SHA256Value(bytes: Hex.decode(hex)!))
        #expect(value.matches(hex: hex))
        #expect(value.matches(hex: String(hex.utf8.map { Character(Unicode.Scalar($0)) })), "a native string equal byte for byte")
        // Not the upper-case spelling, not one character changed anywhere, not a prefix or longer.
        #expect(!value.matches(hex: hex.uppercased()))
        for index in 0..<hex.utf8.count {
            var bytes = Array(hex.utf8)
            bytes[index] = bytes[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            #expect(!value.matches(hex: String(decoding: bytes, as: UTF8.self)), "differs at \(index)")
        }
        #expect(!value.matches(hex: String(hex.dropLast())))
        #expect(!value.matches(hex: hex + "0"))
        #expect(!value.matches(hex: ""))
        // A string cut out of a longer one is compared by its own bytes only.
        let substring = ("x" + hex + "x").dropFirst().dropLast()
        #expect(value.matches(hex: String(substring)))
        #expect(SHA256Value(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(SHA256Value(bytes: [UInt8](repeating: 0, count: 33)) == nil)
        #expect(SHA256Value(bytes: [UInt8](repeating: 0, count: 32))?.hex == String(repeating: "0", count: 64))
    }

    @Test func emptyUpdatesChangeNothing() throws {
        let digest = try MessageDigest(.md5)
        try digest.update([])
        try digest.update(UnsafeRawBufferPointer(start: nil, count: 0))
        try digest.update(Array("abc".utf8))
        try digest.update([])
        #expect(Hex.encode(try digest.finish()) == Self.md5Vectors[1].hex)
    }
}

/// A small deterministic generator so that failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
