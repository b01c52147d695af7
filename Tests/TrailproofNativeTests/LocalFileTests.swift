import Foundation
import Testing
import TrailproofNative

@Suite struct LocalFileTests {
    @Test func listDirectoryReportsEveryKindWithoutFollowingLinks() throws {
        let scratch = try TemporaryDirectory("list")
        defer { scratch.remove() }
        try scratch.write(Array("x".utf8), to: "file.json.gz")
        try FileManager.default.createDirectory(atPath: scratch.file("folder"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link-to-file"), withDestinationPath: "file.json.gz")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link-to-folder"), withDestinationPath: scratch.file("folder"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("dangling"), withDestinationPath: "nowhere")
        #expect(mkfifo(scratch.file("fifo"), 0o600) == 0)

        let entries = try LocalFile.listDirectory(scratch.path)
        let kinds = Dictionary(entries.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        #expect(entries.count == 6)
        #expect(kinds == [
            "file.json.gz": .regular, "folder": .directory, "link-to-file": .symlink,
            "link-to-folder": .symlink, "dangling": .symlink, "fifo": .other,
        ])
        #expect(try LocalFile.listDirectory(scratch.file("folder")).isEmpty)
    }

    @Test func listingAMissingDirectoryOrAFileThrowsASystemError() throws {
        let scratch = try TemporaryDirectory("list-missing")
        defer { scratch.remove() }
        let file = try scratch.write([1], to: "plain")
        for path in [scratch.file("absent"), file] {
            #expect(performing: { try LocalFile.listDirectory(path) }, throws: { error in
                guard let error = error as? NativeError else { return false }
                return error.facility == .system && error.operation.contains(path) && !error.detail.isEmpty
            })
        }
    }

    @Test func kindAndExistsDoNotFollowTheFinalLink() throws {
        let scratch = try TemporaryDirectory("kind")
        defer { scratch.remove() }
        try FileManager.default.createSymbolicLink(atPath: scratch.file("dangling"), withDestinationPath: "nowhere")
        #expect(LocalFile.exists(scratch.file("dangling")))
        #expect(try LocalFile.kind(of: scratch.file("dangling")) == .symlink)
        #expect(try LocalFile.kind(of: scratch.path) == .directory)
        #expect(LocalFile.exists(scratch.file("nowhere")) == false)
        #expect(throws: NativeError.self) { try LocalFile.kind(of: scratch.file("nowhere")) }
    }

    @Test func realPathResolvesLinksAndDotComponents() throws {
        let scratch = try TemporaryDirectory("realpath")
        defer { scratch.remove() }
        let canonicalRoot = try #require(LocalFile.realPath(scratch.path))
        #expect(canonicalRoot.hasPrefix("/"))
        try FileManager.default.createDirectory(atPath: scratch.file("a/b"), withIntermediateDirectories: true)
        try scratch.write([1], to: "a/b/file")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: "a/b")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("dangling"), withDestinationPath: "nowhere")

        #expect(LocalFile.realPath(scratch.file("link/file")) == canonicalRoot + "/a/b/file")
        #expect(LocalFile.realPath(scratch.file("a/./b/../b/file")) == canonicalRoot + "/a/b/file")
        #expect(LocalFile.realPath(scratch.file("link/../b")) == canonicalRoot + "/a/b")
        #expect(LocalFile.realPath(scratch.file("dangling")) == nil)
        #expect(LocalFile.realPath(scratch.file("absent")) == nil)
    }

    @Test func readAllReturnsTheWholeFileUpToTheLimit() throws {
        let scratch = try TemporaryDirectory("read")
        defer { scratch.remove() }
        let content = GzipDecoderTests.randomBytes(200_000, seed: 77) // larger than one read chunk
        let path = try scratch.write(content, to: "big")
        #expect(try LocalFile.readAll(path, limit: content.count) == content)
        #expect(try LocalFile.readAll(path, limit: Int.max) == content)
        #expect(try LocalFile.readAll(try scratch.write([], to: "empty"), limit: 0) == [])
    }

    @Test func readAllRefusesAFileLargerThanTheLimit() throws {
        let scratch = try TemporaryDirectory("read-limit")
        defer { scratch.remove() }
        let small = try scratch.write([UInt8](repeating: 7, count: 100), to: "small")
        let big = try scratch.write([UInt8](repeating: 7, count: 200_000), to: "big")
        for (path, limit) in [(small, 99), (small, 0), (big, 199_999), (big, 65_536)] {
            #expect(performing: { try LocalFile.readAll(path, limit: limit) }, throws: { error in
                (error as? NativeError)?.detail == "larger than \(limit) bytes"
            })
        }
        #expect(throws: NativeError.self) { try LocalFile.readAll(scratch.file("absent"), limit: 10) }
        #expect(throws: NativeError.self) { try LocalFile.readAll(scratch.path, limit: 10) } // a directory
    }

    @Test func streamHandsOverEveryByteInChunksOfAtMostTheChunkSize() throws {
        let scratch = try TemporaryDirectory("stream")
        defer { scratch.remove() }
        let content = GzipDecoderTests.randomBytes(10_001, seed: 8)
        let path = try scratch.write(content, to: "data")
        var received: [UInt8] = []
        var chunks = 0
        try LocalFile.stream(path, chunkSize: 1000) { chunk in
            #expect(chunk.count <= 1000 && chunk.count > 0)
            received.append(contentsOf: chunk)
            chunks += 1
        }
        #expect(received == content)
        #expect(chunks >= 11)
    }

    @Test func streamRegularFileHandsOverSmallAndLargeFilesWhole() throws {
        // A small file comes in one chunk (read into a buffer of its size); a file larger than
        // the chunk size in chunks of at most it; an empty one in none.
        let scratch = try TemporaryDirectory("stream-regular")
        defer { scratch.remove() }
        for (size, chunkSize) in [(0, 4096), (1_200, 256 * 1024), (16_384, 16_384), (100_000, 256 * 1024), (300_001, 65_536)] {
            let content = GzipDecoderTests.randomBytes(size, seed: UInt64(size))
            let path = try scratch.write(content, to: "file-\(size)")
            var received: [UInt8] = []
            var chunks = 0
            let read = try LocalFile.streamRegularFile(path, chunkSize: chunkSize) { chunk in
                #expect(chunk.count <= chunkSize && chunk.count > 0)
                received.append(contentsOf: chunk)
                chunks += 1
            }
            #expect(read == .read)
            #expect(received == content)
            #expect(chunks == (size + chunkSize - 1) / chunkSize)
        }
    }

    @Test func streamRegularFileByNameInAnOpenDirectory() throws {
        // Opened by name in the directory held open: a regular file is read, a missing name is
        // absent, a link as the name and a folder are not regular (never followed or read).
        let scratch = try TemporaryDirectory("open-directory")
        defer { scratch.remove() }
        let content = GzipDecoderTests.randomBytes(5_000, seed: 3)
        try LocalFile.write(content, to: scratch.file("folder/file"))
        try LocalFile.write(Array("secret".utf8), to: scratch.file("elsewhere/secret"))
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/folder/link", withDestinationPath: scratch.path + "/elsewhere/secret")
        try FileManager.default.createDirectory(atPath: scratch.path + "/folder/sub", withIntermediateDirectories: true)
        let directory = try #require(OpenDirectory(path: scratch.path + "/folder"))
        #expect(directory.path == scratch.path + "/folder")
        var received: [UInt8] = []
        #expect(try LocalFile.streamRegularFile(named: "file", in: directory, chunkSize: 1 << 20) { received += $0 } == .read)
        #expect(received == content)
        var other: [UInt8] = []
        #expect(try LocalFile.streamRegularFile(named: "missing", in: directory) { other += $0 } == .absent)
        #expect(try LocalFile.streamRegularFile(named: "link", in: directory) { other += $0 } == .notRegular)
        #expect(try LocalFile.streamRegularFile(named: "sub", in: directory) { other += $0 } == .notRegular)
        #expect(other.isEmpty)
        // A name that ends a longer string (a key's leaf) is opened from that string's bytes;
        // one that does not end it is copied first; the bytes before it are never part of it.
        let key = "AWSLogs/folder/file"
        var fromKey: [UInt8] = []
        #expect(try LocalFile.streamRegularFile(named: key[key.index(key.startIndex, offsetBy: 15)...], in: directory) { fromKey += $0 } == .read)
        #expect(fromKey == content)
        let longer = "file-and-more"
        var fromPrefix: [UInt8] = []
        #expect(try LocalFile.streamRegularFile(named: longer.prefix(4), in: directory) { fromPrefix += $0 } == .read)
        #expect(fromPrefix == content)
        let missing = "folder/fil"
        #expect(try LocalFile.streamRegularFile(named: missing[missing.index(missing.startIndex, offsetBy: 7)...], in: directory) { other += $0 } == .absent)
        #expect(try LocalFile.streamRegularFile(named: "x/link".dropFirst(2), in: directory) { other += $0 } == .notRegular)
        #expect(other.isEmpty)
        #expect(OpenDirectory(path: scratch.path + "/folder/file") == nil)
        #expect(OpenDirectory(path: scratch.path + "/nowhere") == nil)
    }

    @Test func aNameHoldingANULByteIsRefusedNotCutShort() throws {
        // A C string ends at its first NUL: "file\0.json.gz" would open, stat or write "file".
        // Every call refuses such a name rather than acting on its prefix (each of these
        // reached "file" or "folder" before it did).
        let scratch = try TemporaryDirectory("nul")
        defer { scratch.remove() }
        try LocalFile.write(Array("content".utf8), to: scratch.file("folder/file"))
        let file = scratch.file("folder/file"), folder = scratch.file("folder")
        let refusesNUL = { (error: any Error) in (error as? NativeError)?.detail == "the name holds a NUL byte" }
        var read: [UInt8] = []
        #expect(performing: { try LocalFile.stream(file + "\0.json.gz") { read += $0 } }, throws: refusesNUL)
        #expect(performing: { try LocalFile.readAll(file + "\0x", limit: 100) }, throws: refusesNUL)
        #expect(performing: { try LocalFile.streamRegularFile(file + "\0x") { read += $0 } }, throws: refusesNUL)
        let directory = try #require(OpenDirectory(path: folder))
        #expect(performing: { try LocalFile.streamRegularFile(named: "file\0x", in: directory) { read += $0 } }, throws: refusesNUL)
        // The leaf of a key, which is opened from the key's own bytes.
        let key = "AWSLogs/file\0.json.gz"
        #expect(performing: {
            try LocalFile.streamRegularFile(named: key[key.index(key.startIndex, offsetBy: 8)...], in: directory) { read += $0 }
        }, throws: refusesNUL)
        #expect(performing: { try LocalFile.streamRegularFile(named: "file\0x".prefix(6), in: directory) { read += $0 } }, throws: refusesNUL)
        #expect(read.isEmpty)
        #expect(performing: { try LocalFile.listDirectory(folder + "\0x") }, throws: refusesNUL)
        #expect(performing: { try LocalFile.kind(of: file + "\0x") }, throws: refusesNUL)
        #expect(LocalFile.exists(file + "\0x") == false)
        #expect(LocalFile.realPath(file + "\0x") == nil)
        #expect(LocalFile.sizeAndModification(file + "\0x") == nil)
        #expect(LocalFile.extendedAttribute("user.signature", of: file + "\0x") == nil)
        #expect(OpenDirectory(path: folder + "\0x") == nil)
        // Nothing is written, replaced or removed through a name cut short.
        #expect(performing: { try LocalFile.write(Array("other".utf8), to: file + "\0x") }, throws: refusesNUL)
        #expect(performing: { try LocalFile.writeAtomically(Array("other".utf8), to: file + "\0x") }, throws: refusesNUL)
        #expect(performing: { try LocalFile.openForAppending(file + "\0x", truncatingTo: 0) }, throws: refusesNUL)
        #expect(performing: { try LocalFile.remove(file + "\0x") }, throws: refusesNUL)
        #expect(performing: { try LocalFile.rename(file + "\0x", to: file + "-renamed") }, throws: refusesNUL)
        #expect(performing: { try LocalFile.makeDirectories(folder + "\0x") }, throws: refusesNUL)
        #expect(try LocalFile.readAll(file, limit: 100) == Array("content".utf8))
        #expect(try LocalFile.listDirectory(folder).map(\.name) == ["file"])
    }

    @Test func writeCreatesParentFoldersAndReplacesContent() throws {
        let scratch = try TemporaryDirectory("write")
        defer { scratch.remove() }
        let path = scratch.file("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/file.json.gz")
        try LocalFile.write(Array("a longer first version".utf8), to: path)
        try LocalFile.write(Array("short".utf8), to: path)
        #expect(try LocalFile.readAll(path, limit: 100) == Array("short".utf8))
        try LocalFile.write([], to: path)
        #expect(try LocalFile.readAll(path, limit: 100) == [])
        #expect(try LocalFile.kind(of: scratch.file("AWSLogs/111122223333")) == .directory)
    }

    @Test func removeDeletesAFileAndIgnoresAMissingOne() throws {
        let scratch = try TemporaryDirectory("remove")
        defer { scratch.remove() }
        let path = try scratch.write([1, 2, 3], to: "file")
        try LocalFile.remove(path)
        #expect(LocalFile.exists(path) == false)
        try LocalFile.remove(path)
        try FileManager.default.createDirectory(atPath: scratch.file("folder"), withIntermediateDirectories: false)
        #expect(throws: NativeError.self) { try LocalFile.remove(scratch.file("folder")) }
    }

    @Test(.enabled(if: ExtendedAttributeSupport.probe() == nil,
                   "the temporary directory's file system does not support user extended attributes (ENOTSUP)"))
    func extendedAttributesAreSetAndRead() throws {
        let scratch = try TemporaryDirectory("xattr")
        defer { scratch.remove() }
        let path = try scratch.write(Array("digest".utf8), to: "digest.json.gz")
        let signature = Array(String(repeating: "0123456789abcdef", count: 32).utf8) // 512 hex characters
        try LocalFile.setExtendedAttribute("user.signature", value: signature, on: path)
        try LocalFile.setExtendedAttribute("user.signature-algorithm", value: Array("SHA256withRSA".utf8), on: path)
        #expect(LocalFile.extendedAttribute("user.signature", of: path) == signature)
        #expect(LocalFile.extendedAttribute("user.signature-algorithm", of: path) == Array("SHA256withRSA".utf8))
        #expect(LocalFile.extendedAttribute("user.absent", of: path) == nil)
        #expect(LocalFile.extendedAttribute("user.signature", of: scratch.file("absent")) == nil)

        // Replacing keeps only the new value.
        try LocalFile.setExtendedAttribute("user.signature", value: Array("ab".utf8), on: path)
        #expect(LocalFile.extendedAttribute("user.signature", of: path) == Array("ab".utf8))
        // Rewriting the file's content does not drop its attributes.
        try LocalFile.write(Array("rewritten".utf8), to: path)
        #expect(LocalFile.extendedAttribute("user.signature", of: path) == Array("ab".utf8))
    }

    @Test func settingAnAttributeOnAMissingFileThrows() throws {
        let scratch = try TemporaryDirectory("xattr-missing")
        defer { scratch.remove() }
        #expect(throws: NativeError.self) {
            try LocalFile.setExtendedAttribute("user.signature", value: [1], on: scratch.file("absent"))
        }
    }
}

/// Whether the temporary directory's file system stores `user.` extended attributes.
enum ExtendedAttributeSupport {
    /// nil when supported; the reason when the file system says ENOTSUP. Any other failure counts
    /// as supported, so that the test runs and shows it.
    static func probe() -> String? {
        guard let scratch = try? TemporaryDirectory("xattr-probe"), let path = try? scratch.write([1], to: "probe") else { return nil }
        defer { scratch.remove() }
        do {
            try LocalFile.setExtendedAttribute("user.trailproof-probe", value: [1], on: path)
            return nil
        } catch let error as NativeError where error.detail == String(cString: strerror(ENOTSUP)) {
            return error.detail
        } catch {
            return nil
        }
    }
}
