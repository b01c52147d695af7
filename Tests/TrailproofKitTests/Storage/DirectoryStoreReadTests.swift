import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// Reading one object from a local copy: a regular file is opened directly (no stat first);
/// whatever else stands at a key (a link, a directory, a FIFO, a folder that leads out of the
/// root) is settled as the careful path settles it, and never read by mistake.
@Suite struct DirectoryStoreReadTests {
    /// A root with `inside/a/file` and, beside the root, `outside/secret`.
    struct Layout {
        let scratch: ScratchDirectory
        var root: String { scratch.path + "/root" }

        init() throws {
            scratch = try ScratchDirectory("store-read")
            try LocalFile.write(Array("in".utf8), to: scratch.path + "/root/inside/a/file")
            try LocalFile.write(Array("in-other".utf8), to: scratch.path + "/root/inside/b/other")
            try LocalFile.write(Array("secret".utf8), to: scratch.path + "/outside/secret")
        }

        func link(_ key: String, to target: String) throws {
            try LocalFile.makeDirectories(parentOf: root + "/" + key)
            try FileManager.default.createSymbolicLink(atPath: root + "/" + key, withDestinationPath: target)
        }
    }

    /// What streaming `key` gives: its bytes, nil when absent, or the error's text.
    static func read(_ store: DirectoryStore, _ key: String) -> Result<String?, StoreError> {
        var bytes: [UInt8] = []
        var restarts = 0
        do {
            let found = try store.streamObject(key, restart: { restarts += 1; bytes = [] }) { bytes += $0 }
            #expect(restarts <= 1)
            return .success(found ? String(decoding: bytes, as: UTF8.self) : nil)
        } catch let error as StoreError {
            return .failure(error)
        } catch {
            Issue.record("\(error)")
            return .failure(.unreadable(key: key, detail: "\(error)"))
        }
    }

    /// Why a read was refused as unsafe; nil when it was not.
    static func unsafeReason(_ result: Result<String?, StoreError>) -> String? {
        if case .failure(.unsafeKey(_, let reason)) = result { return reason }
        return nil
    }

    @Test func aFolderReplacedAfterItWasOpenedIsLookedUpAgainByPath() throws {
        // Files are opened by name in their folder held open; a name not there is looked up
        // again by path, so a folder replaced since (moved away, made anew) is still read.
        let layout = try Layout()
        defer { layout.scratch.remove() }
        let store = try DirectoryStore(root: layout.root)
        #expect(try Self.read(store, "inside/a/file").get() == "in")
        try FileManager.default.moveItem(atPath: layout.root + "/inside/a", toPath: layout.root + "/inside/a-before")
        try LocalFile.write(Array("new".utf8), to: layout.root + "/inside/a/later")
        #expect(try Self.read(store, "inside/a/later").get() == "new")
        #expect(try Self.read(store, "inside/a/missing").get() == nil)
    }

    @Test func foldersLookedUpInTurnAreToldApartByTheirBytes() throws {
        // The folder looked up last is recognised by its bytes: folders whose names are
        // canonically equivalent (é precomposed and decomposed, K and the Kelvin sign) or one a
        // prefix of the other each give their own file, in whatever order they are read.
        let scratch = try ScratchDirectory("store-latest-folder")
        defer { scratch.remove() }
        let folders = ["caf\u{E9}", "cafe\u{301}", "K", "\u{212A}", "a", "ab", "a/b"]
        for (index, folder) in folders.enumerated() {
            try LocalFile.write(Array("file \(index)".utf8), to: scratch.path + "/root/" + folder + "/file")
        }
        let store = try DirectoryStore(root: scratch.path + "/root")
        for _ in 0..<2 {
            for (index, folder) in folders.enumerated() + folders.enumerated().reversed() {
                #expect(try Self.read(store, folder + "/file").get() == "file \(index)", "\(Array(folder.utf8))")
                #expect(try Self.read(store, folder + "/file").get() == "file \(index)", "again: \(Array(folder.utf8))")
            }
        }
    }

    @Test func moreFoldersThanTheCacheHoldsAreAllRead() throws {
        // The cache of folders held open starts over past its limit; every file is still read.
        let scratch = try ScratchDirectory("store-many-folders")
        defer { scratch.remove() }
        for index in 0..<300 { try LocalFile.write(Array("file \(index)".utf8), to: scratch.path + "/root/f\(index)/file") }
        let store = try DirectoryStore(root: scratch.path + "/root")
        for round in 0..<2 {
            for index in 0..<300 { #expect(try Self.read(store, "f\(index)/file").get() == "file \(index)", "round \(round)") }
        }
    }

    @Test func regularFilesAreReadAndAbsentOnesAreNotThere() throws {
        let layout = try Layout()
        defer { layout.scratch.remove() }
        let store = try DirectoryStore(root: layout.root)
        #expect(try Self.read(store, "inside/a/file").get() == "in")
        // The second file of a folder comes from the folder resolved once; another folder too.
        #expect(try Self.read(store, "inside/a/file").get() == "in")
        #expect(try Self.read(store, "inside/b/other").get() == "in-other")
        #expect(try Self.read(store, "inside/a/missing").get() == nil)
        #expect(try Self.read(store, "inside/nowhere/missing").get() == nil)
        #expect(try Self.read(store, "top-level-missing").get() == nil)
    }

    @Test func aLinkedFileIsFollowedOnlyInsideTheRoot() throws {
        let layout = try Layout()
        defer { layout.scratch.remove() }
        try layout.link("inside/a/linked", to: layout.root + "/inside/b/other")
        try layout.link("inside/a/escaping", to: layout.scratch.path + "/outside/secret")
        try layout.link("inside/a/dangling", to: layout.root + "/inside/a/gone")
        let store = try DirectoryStore(root: layout.root)
        #expect(try Self.read(store, "inside/a/linked").get() == "in-other")
        #expect(Self.unsafeReason(Self.read(store, "inside/a/escaping")) != nil, "a link out of the root was read")
        // Something is there, and it is not an object: unreadable, never taken for absent.
        guard case .failure(.unreadable(_, let detail)) = Self.read(store, "inside/a/dangling") else {
            Issue.record("a dangling link was not unreadable")
            return
        }
        #expect(detail.contains("leads nowhere"))
    }

    @Test func aFolderThatLeadsOutOfTheRootIsRefused() throws {
        let layout = try Layout()
        defer { layout.scratch.remove() }
        try layout.link("inside/away", to: layout.scratch.path + "/outside")
        let store = try DirectoryStore(root: layout.root)
        let reason = try #require(Self.unsafeReason(Self.read(store, "inside/away/secret")), "a file through a link out of the root was read")
        #expect(reason.contains("outside"))
        // Asked again (the folder is now known), still refused; absent files there are absent.
        #expect(Self.unsafeReason(Self.read(store, "inside/away/secret")) != nil, "refused once, read the second time")
        #expect(try Self.read(store, "inside/away/none").get() == nil)
    }

    @Test func aDirectoryOrAFIFOAtAKeyIsUnreadableAndNeverBlocks() throws {
        let layout = try Layout()
        defer { layout.scratch.remove() }
        try LocalFile.makeDirectories(layout.root + "/inside/a/folder.json.gz")
        #expect(mkfifo(layout.root + "/inside/a/fifo.json.gz", 0o600) == 0)
        let store = try DirectoryStore(root: layout.root)
        for key in ["inside/a/folder.json.gz", "inside/a/fifo.json.gz"] {
            guard case .failure(.unreadable(_, let detail)) = Self.read(store, key) else {
                Issue.record("\(key) was not refused")
                continue
            }
            #expect(detail.contains("regular file"), "\(key): \(detail)")
        }
    }

    @Test(arguments: HostileInputTests.hostileKeys + ["", "a/", "a/./b", "a/../b", ".", "..", String(repeating: "k", count: 4097)])
    func unsafeKeysAreRefusedBeforeAnythingIsOpened(_ key: String) throws {
        let layout = try Layout()
        defer { layout.scratch.remove() }
        #expect(Self.unsafeReason(Self.read(try DirectoryStore(root: layout.root), key)) != nil, "\(key.debugDescription) was not refused")
    }

    /// The one-pass check of a key agrees, on every key made of a few awkward bytes, with the
    /// rule written out: not empty, at most 4096 bytes, not absolute, no NUL or backslash, no
    /// empty, "." or ".." component.
    @Test func theKeyCheckAgreesWithTheRuleWrittenOut() {
        var random = SeededGenerator(seed: 4096)
        let pieces = ["a", ".", "/", "..", "\\", "\u{0}", "é", "b.json.gz", "\u{301}"]
        for _ in 0..<20_000 {
            let key = (0..<Int.random(in: 0...7, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let bytes = Array(key.utf8)
            let components = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            let safe = !bytes.isEmpty && bytes.count <= 4096 && bytes.first != UInt8(ascii: "/") && !bytes.contains(0)
                && !bytes.contains(UInt8(ascii: "\\"))
                && !components.contains { $0.isEmpty || $0.elementsEqual([UInt8(ascii: ".")]) || $0.elementsEqual(Array("..".utf8)) }
            #expect(((try? DirectoryStore.checkKeyIsSafe(key)) != nil) == safe, "\(key.debugDescription)")
        }
    }
}
