import Foundation
import Testing
import TrailproofNative

@Suite struct GzipDecoderTests {
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// JSON-like text that compresses well, like a CloudTrail log file.
    static func logText(_ records: Int) -> [UInt8] {
        Array((0..<records).map { #"{"eventID":"\#($0)","eventName":"PutObject","awsRegion":"us-east-1"}"# }
            .joined(separator: ",").utf8)
    }

    /// Feeds `bytes` in pieces of `pieceSize` and collects the output.
    static func decodeInPieces(_ bytes: [UInt8], pieceSize: Int, outputChunkSize: Int = 256 * 1024) throws -> [UInt8] {
        let decoder = try GzipDecoder(outputChunkSize: outputChunkSize)
        var out: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(offset + pieceSize, bytes.count)])
            try piece.withUnsafeBytes { input in
                try decoder.feed(input) { chunk in
                    #expect(chunk.count <= outputChunkSize)
                    out.append(contentsOf: chunk)
                }
            }
            offset += pieceSize
        }
        try decoder.finish()
        return out
    }

    @Test(arguments: [0, 1, 100, 65_537, 1_000_000])
    func randomBytesRoundTrip(_ count: Int) throws {
        let original = Self.randomBytes(count, seed: UInt64(count))
        let compressed = try Gzip.compress(original)
        #expect(Array(compressed.prefix(3)) == [0x1f, 0x8b, 0x08])
        #expect(try Gzip.decompress(compressed, limit: count) == original)
    }

    @Test(arguments: [Int32(1), 6, 9])
    func compressibleTextRoundTripsAtEveryLevel(_ level: Int32) throws {
        let original = Self.logText(20_000)
        let compressed = try Gzip.compress(original, level: level)
        #expect(compressed.count < original.count / 5)
        #expect(try Gzip.decompress(compressed, limit: 1 << 30) == original)
    }

    @Test(arguments: [1, 2, 3, 1000])
    func feedingInSmallPiecesGivesTheSameOutput(_ pieceSize: Int) throws {
        let original = Self.logText(3000)
        let compressed = try Gzip.compress(original)
        #expect(try Self.decodeInPieces(compressed, pieceSize: pieceSize) == original)
    }

    @Test(arguments: [1, 7, 4096])
    func aSmallOutputChunkSizeGivesTheSameOutput(_ outputChunkSize: Int) throws {
        let original = Self.logText(3000) + Self.randomBytes(50_000, seed: 9)
        let compressed = try Gzip.compress(original)
        #expect(try Self.decodeInPieces(compressed, pieceSize: compressed.count, outputChunkSize: outputChunkSize) == original)
        #expect(try Self.decodeInPieces(compressed, pieceSize: 13, outputChunkSize: outputChunkSize) == original)
    }

    @Test func concatenatedMembersAreAllDecodedLikeGzipD() throws {
        let first = Self.logText(500)
        let second = Array("second member".utf8)
        let third = Self.randomBytes(10_000, seed: 4)
        let joined = try Gzip.compress(first) + Gzip.compress(second) + Gzip.compress([]) + Gzip.compress(third)
        #expect(try Gzip.decompress(joined, limit: 1 << 30) == first + second + third)
        // Member boundaries falling inside a fed piece, and between pieces.
        for pieceSize in [1, 5, 64, 1000] {
            #expect(try Self.decodeInPieces(joined, pieceSize: pieceSize, outputChunkSize: 100) == first + second + third,
                    "piece size \(pieceSize)")
        }
    }

    @Test func everyTruncationOfAMemberIsReportedTruncated() throws {
        let compressed = try Gzip.compress(Self.logText(40))
        #expect(compressed.count > 100)
        for length in 0..<compressed.count {
            #expect(throws: GzipError.truncated, "cut to \(length) of \(compressed.count) bytes") {
                try Gzip.decompress(Array(compressed.prefix(length)), limit: 1 << 20)
            }
        }
    }

    @Test func aSecondMemberCutShortIsTruncated() throws {
        let second = try Gzip.compress(Array("second".utf8))
        let joined = try Gzip.compress(Array("first".utf8)) + second.dropLast(3)
        #expect(throws: GzipError.truncated) { try Gzip.decompress(joined, limit: 1 << 20) }
    }

    @Test func emptyInputIsTruncated() throws {
        #expect(throws: GzipError.truncated) { try Gzip.decompress([], limit: 1 << 20) }
        let decoder = try GzipDecoder()
        try decoder.feed(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in Issue.record("no output expected") }
        #expect(throws: GzipError.truncated) { try decoder.finish() }
    }

    @Test(arguments: [
        Array("this is plain text, not gzip".utf8),
        [UInt8](repeating: 0, count: 64),
        [0x1f, 0x8b, 0x09, 0x00] + [UInt8](repeating: 0, count: 20), // compression method 9 does not exist
        [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], // a zlib stream, not gzip
        Array("BZh91AY&SY".utf8), // bzip2 magic
    ])
    func bytesThatAreNotGzipAreCorrupt(_ bytes: [UInt8]) throws {
        #expect {
            try Gzip.decompress(bytes, limit: 1 << 20)
        } throws: { error in
            guard case .corrupt(let detail)? = error as? GzipError else { return false }
            return !detail.isEmpty
        }
    }

    @Test func randomGarbageIsNeverAccepted() throws {
        for seed in UInt64(1)...50 {
            let garbage = Self.randomBytes(Int(seed) * 37, seed: seed)
            #expect(throws: GzipError.self, "seed \(seed)") { try Gzip.decompress(garbage, limit: 1 << 20) }
        }
    }

    @Test func aDamagedCRCOrLengthTrailerIsCorrupt() throws {
        let original = Self.logText(100)
        let compressed = try Gzip.compress(original)
        var badCRC = compressed
        badCRC[compressed.count - 8] ^= 0x01
        var badLength = compressed
        badLength[compressed.count - 1] ^= 0x01
        #expect(throws: GzipError.corrupt(detail: "incorrect data check")) { try Gzip.decompress(badCRC, limit: 1 << 20) }
        #expect(throws: GzipError.corrupt(detail: "incorrect length check")) { try Gzip.decompress(badLength, limit: 1 << 20) }
    }

    @Test func aFlippedBitInTheCompressedBodyIsNeverSilentlyAccepted() throws {
        let original = Self.logText(200)
        let compressed = try Gzip.compress(original)
        // Every bit after the 10-byte header; a flip either fails or (in stored padding) changes nothing.
        for byte in 10..<compressed.count {
            for bit in 0..<8 {
                var damaged = compressed
                damaged[byte] ^= 1 << UInt8(bit)
                if let output = try? Gzip.decompress(damaged, limit: 1 << 20) {
                    #expect(output == original, "byte \(byte) bit \(bit) decoded to different content without an error")
                }
            }
        }
    }

    /// A gzip header and a fixed-Huffman deflate block that writes "a" and then copies from
    /// 2 bytes back, before the start of the output: zlib's "invalid distance too far back".
    /// The input ends right after the bad match, so zlib meets the error only when it has
    /// room to write the match.
    static let matchBeforeTheStart: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff, 0x4b, 0x04, 0x42]

    @Test(arguments: [1, 2, 1024])
    func aBadBackReferenceIsCorruptWhateverTheOutputChunkSize(_ outputChunkSize: Int) throws {
        let decoder = try GzipDecoder(outputChunkSize: outputChunkSize)
        #expect(throws: GzipError.corrupt(detail: "invalid distance too far back")) {
            try Self.matchBeforeTheStart.withUnsafeBytes { input in
                try decoder.feed(input) { _ in }
            }
            try decoder.finish()
        }
    }

    @Test(arguments: [
        Array("garbage after the member".utf8),
        [0x00, 0x00, 0x00, 0x00],
        [0x1f, 0x8b, 0x08], // the start of a member that never comes
        [0x0a],
    ])
    func trailingBytesAfterAMemberAreAnError(_ trailing: [UInt8]) throws {
        let member = try Gzip.compress(Array("complete member".utf8))
        #expect(throws: GzipError.self) { try Gzip.decompress(member + trailing, limit: 1 << 20) }
    }

    @Test func outputBeyondTheLimitIsRefused() throws {
        let original = Self.logText(1000)
        let compressed = try Gzip.compress(original)
        #expect(try Gzip.decompress(compressed, limit: original.count) == original)
        #expect(throws: GzipError.outputLimitExceeded(limit: original.count - 1)) {
            try Gzip.decompress(compressed, limit: original.count - 1)
        }
        #expect(throws: GzipError.outputLimitExceeded(limit: 0)) { try Gzip.decompress(compressed, limit: 0) }
    }

    @Test func anErrorDescribesItselfForAPerson() {
        #expect(GzipError.truncated.description == "truncated gzip data")
        #expect(GzipError.corrupt(detail: "incorrect header check").description.contains("incorrect header check"))
        #expect(GzipError.outputLimitExceeded(limit: 10).description.contains("10 bytes"))
    }

    @Test func resetAllowsAnUnrelatedStreamAfterAnError() throws {
        let decoder = try GzipDecoder()
        let garbage = Array("not gzip at all".utf8)
        #expect(throws: GzipError.self) {
            try garbage.withUnsafeBytes { try decoder.feed($0) { _ in } }
        }
        decoder.reset()
        let original = Self.logText(10)
        var out: [UInt8] = []
        try Gzip.compress(original).withUnsafeBytes { try decoder.feed($0) { out.append(contentsOf: $0) } }
        try decoder.finish()
        #expect(out == original)
    }
}
