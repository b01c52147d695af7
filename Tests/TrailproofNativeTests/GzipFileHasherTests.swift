import Foundation
import Testing
import TrailproofNative

@Suite struct GzipFileHasherTests {
    @Test(arguments: [(256 * 1024, 256 * 1024), (1000, 333), (1, 1)])
    func theHashOfAGzipFileIsTheSHA256OfItsUncompressedContent(readChunkSize: Int, outputChunkSize: Int) throws {
        let scratch = try TemporaryDirectory("hasher")
        defer { scratch.remove() }
        let original = GzipDecoderTests.logText(outputChunkSize == 1 ? 300 : 20_000)
        let compressed = try Gzip.compress(original)
        let path = try scratch.write(compressed, to: "log.json.gz")
        let hasher = try GzipFileHasher(readChunkSize: readChunkSize, outputChunkSize: outputChunkSize)
        let result = try hasher.hash(path: path)
        #expect(result.sha256Hex == (try MessageDigest.sha256Hex(original)))
        #expect(result.uncompressedBytes == original.count)
        #expect(result.compressedBytes == compressed.count)
    }

    @Test func theHashAgreesWithGzipAndSha256sum() throws {
        let scratch = try TemporaryDirectory("hasher-tools")
        defer { scratch.remove() }
        let original = GzipDecoderTests.logText(10_000)
        try scratch.write(original, to: "log.json")
        let compress = try ExternalTool.run("gzip", ["-9", scratch.file("log.json")])
        #expect(compress.status == 0, "\(compress.stderr)")
        let path = scratch.file("log.json.gz")
        let reference = try ExternalTool.run("sh", ["-c", "gzip -dc \"$0\" | sha256sum", path])
        #expect(reference.status == 0, "\(reference.stderr)")
        let result = try GzipFileHasher().hash(path: path)
        #expect(reference.stdout.hasPrefix(result.sha256Hex + " "))
    }

    @Test func aHasherIsReusableAcrossFilesAndAfterFailures() throws {
        let scratch = try TemporaryDirectory("hasher-reuse")
        defer { scratch.remove() }
        let first = GzipDecoderTests.logText(100)
        let second = Array("second file".utf8)
        let compressedFirst = try Gzip.compress(first)
        let good1 = try scratch.write(compressedFirst, to: "1.json.gz")
        let good2 = try scratch.write(try Gzip.compress(second), to: "2.json.gz")
        let truncated = try scratch.write(Array(compressedFirst.prefix(compressedFirst.count / 2)), to: "cut.json.gz")
        let garbage = try scratch.write(Array("not gzip".utf8), to: "garbage.json.gz")
        let empty = try scratch.write([], to: "empty.json.gz")

        let hasher = try GzipFileHasher(readChunkSize: 64, outputChunkSize: 64)
        #expect(try hasher.hash(path: good1).sha256Hex == (try MessageDigest.sha256Hex(first)))
        #expect(throws: GzipError.truncated) { try hasher.hash(path: truncated) }
        #expect(try hasher.hash(path: good2).sha256Hex == (try MessageDigest.sha256Hex(second)))
        #expect(throws: GzipError.self) { try hasher.hash(path: garbage) }
        #expect(try hasher.hash(path: good1).sha256Hex == (try MessageDigest.sha256Hex(first)))
        #expect(throws: GzipError.truncated) { try hasher.hash(path: empty) }
        #expect(try hasher.hash(path: good2).uncompressedBytes == second.count)
    }

    @Test func aMissingFileThrowsASystemError() throws {
        let scratch = try TemporaryDirectory("hasher-missing")
        defer { scratch.remove() }
        #expect {
            try GzipFileHasher().hash(path: scratch.file("absent.json.gz"))
        } throws: { error in
            guard let error = error as? NativeError else { return false }
            return error.facility == .system && error.operation.contains("absent.json.gz") && error.detail.contains("No such file")
        }
    }
}
