import Foundation
import Testing
import TrailproofNative

/// Gzip cross-checked against the system `gzip` tool, and a decompression bomb.
@Suite struct GzipToolInteropTests {
    @Test(arguments: ["-1", "-6", "-9"])
    func whatGzipCompressesIsDecoded(_ level: String) throws {
        let scratch = try TemporaryDirectory("gzip-tool")
        defer { scratch.remove() }
        let original = GzipDecoderTests.logText(5000) + GzipDecoderTests.randomBytes(70_000, seed: 21)
        // gzip -c on a named file stores the file name and time in the header (FNAME, MTIME).
        let path = try scratch.write(original, to: "events.json")
        let run = try ExternalTool.run("gzip", ["-c", level, path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutBytes[3] & 0x08 != 0, "expected gzip to store the file name")
        #expect(try Gzip.decompress(run.stdoutBytes, limit: 1 << 30) == original)
        #expect(try GzipDecoderTests.decodeInPieces(run.stdoutBytes, pieceSize: 3, outputChunkSize: 1000) == original)
    }

    @Test func whatGzipCompressesFromStandardInputIsDecoded() throws {
        let original = GzipDecoderTests.logText(100)
        let run = try ExternalTool.run("gzip", ["-c", "-n"], stdin: original)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Gzip.decompress(run.stdoutBytes, limit: 1 << 30) == original)
    }

    @Test func whatGzipCompressCompressesIsDecodedByGzip() throws {
        let original = GzipDecoderTests.logText(5000) + GzipDecoderTests.randomBytes(70_000, seed: 22)
        for level in [Int32(1), 6, 9] {
            let compressed = try Gzip.compress(original, level: level)
            let run = try ExternalTool.run("gzip", ["-dc"], stdin: compressed)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdoutBytes == original, "level \(level)")
        }
        let empty = try ExternalTool.run("gzip", ["-dc"], stdin: try Gzip.compress([]))
        #expect(empty.status == 0)
        #expect(empty.stdoutBytes.isEmpty)
    }

    @Test func concatenatedMembersDecodeAsGzipDDecodesThem() throws {
        let joined = try Gzip.compress(Array("one\n".utf8)) + (try ExternalTool.run("gzip", ["-c", "-n"], stdin: Array("two\n".utf8)).stdoutBytes)
            + Gzip.compress(Array("three\n".utf8))
        let reference = try ExternalTool.run("gzip", ["-dc"], stdin: joined)
        #expect(reference.status == 0)
        #expect(try Gzip.decompress(joined, limit: 1 << 20) == reference.stdoutBytes)
        #expect(reference.stdout == "one\ntwo\nthree\n")
    }

    @Test func whatGzipRejectsAsTruncatedIsRejected() throws {
        let compressed = try Gzip.compress(GzipDecoderTests.logText(200))
        let cut = Array(compressed.prefix(compressed.count / 2))
        #expect(try ExternalTool.run("gzip", ["-t"], stdin: cut).status != 0)
        #expect(throws: GzipError.truncated) { try Gzip.decompress(cut, limit: 1 << 20) }
    }

    /// 1 GiB of zeros, compressed by gzip into about 1 MB.
    static let bomb = Result { try ExternalTool.run("sh", ["-c", "head -c 1073741824 /dev/zero | gzip -1 -c"]) }
    static let bombSize = 1_073_741_824
    /// Peak growth allowed while the bomb is decoded: far below its size, with room for the other
    /// tests that run in the same process at the same time.
    static let growthBound = 256 << 20

    @Test func aGzipBombFailsFastWithASmallLimit() throws {
        let bomb = try Self.bomb.get()
        #expect(bomb.status == 0, "\(bomb.stderr)")
        #expect(bomb.stdoutBytes.count < 8 << 20)
        let peakBefore = peakResidentBytes()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: GzipError.outputLimitExceeded(limit: 1 << 20)) { try Gzip.decompress(bomb.stdoutBytes, limit: 1 << 20) }
        }
        // Inflating all 1 GiB takes far longer than stopping at 1 MB (a few milliseconds).
        #expect(elapsed < .seconds(2))
        // The limit is enforced while decoding, not after: the process never grows by the bomb's size.
        #expect(peakResidentBytes() - peakBefore < Self.growthBound)
    }

    @Test func aGzipBombStreamsThroughTheDecoderInFixedMemory() throws {
        let bomb = try Self.bomb.get()
        let decoder = try GzipDecoder(outputChunkSize: 64 * 1024)
        var total = 0
        var largestChunk = 0
        var allZero = true
        let peakBefore = peakResidentBytes()
        try bomb.stdoutBytes.withUnsafeBytes { input in
            try decoder.feed(input) { chunk in
                total += chunk.count
                largestChunk = max(largestChunk, chunk.count)
                if allZero && chunk.contains(where: { $0 != 0 }) { allZero = false }
            }
        }
        try decoder.finish()
        #expect(total == Self.bombSize)
        #expect(largestChunk == 64 * 1024)
        #expect(allZero)
        #expect(peakResidentBytes() - peakBefore < Self.growthBound)
    }
}

/// The process's peak resident set size so far, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024 // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss // bytes on Darwin
    #endif
}
