import Testing
@testable import TrailproofKit

/// The checks that keep a ListObjectsV2 listing finite whatever the server answers.
@Suite struct S3ListingGuardTests {
    private static let listURL = "http://127.0.0.1:9/bucket/?list-type=2&prefix=AWSLogs%2F"

    /// The bytes of a ListObjectsV2 answer listing `keys` (URL-encoded, as asked for).
    private static func page(_ keys: [String], token: String?, truncated: Bool? = nil) -> [UInt8] {
        let contents = keys.map { "<Contents><Key>\(SigV4Signer.uriEncode($0))</Key><Size>1</Size></Contents>" }.joined()
        let isTruncated = truncated ?? (token != nil)
        let next = token.map { "<NextContinuationToken>\($0)</NextContinuationToken>" } ?? ""
        return Array(("<ListBucketResult><IsTruncated>\(isTruncated)</IsTruncated><EncodingType>url</EncodingType>\(next)\(contents)"
            + "</ListBucketResult>").utf8)
    }

    private static func newGuard(pageLimit: Int = 10) -> S3ListingGuard {
        S3ListingGuard(pageLimit: pageLimit, requestURL: listURL, object: "s3://bucket/AWSLogs/")
    }

    /// Feeds `pages` in order; returns the error, if one was thrown.
    private static func follow(_ pages: [[UInt8]], pageLimit: Int = 10) -> AWSRequestError? {
        var listing = newGuard(pageLimit: pageLimit)
        do {
            for page in pages {
                try listing.willRequestPage()
                _ = try listing.page(from: page)
            }
            return nil
        } catch let error as AWSRequestError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func pagesThatMoveOnPass() {
        #expect(Self.follow([Self.page(["a/1", "a/2"], token: "t1"), Self.page(["a/3"], token: "t2"), Self.page(["b"], token: nil)]) == nil)
    }

    @Test func freshPagesPastTheLimitAreAnErrorNamingTheEndpoint() throws {
        let pages = (0..<11).map { Self.page(["k\(1000 + $0)"], token: "t\($0)") }
        #expect(Self.follow(Array(pages.prefix(10))) == nil)
        let error = try #require(Self.follow(pages))
        #expect(error.description.contains("the listing from http://127.0.0.1:9 goes on past 10 pages"), "\(error)")
        #expect(error.object == "s3://bucket/AWSLogs/")
    }

    @Test func thePageLimitIsEnoughForAHundredMillionObjects() {
        #expect(S3Client.defaultListPageLimit * S3ListingGuard.entriesPerPage >= 100_000_000)
    }

    @Test func aPageRepeatedUnderAFreshTokenMakesNoProgress() throws {
        let error = try #require(Self.follow([Self.page(["a/1", "a/2"], token: "t1"), Self.page(["a/1", "a/2"], token: "t2")]))
        #expect(error.description.contains("makes no progress: page 2"), "\(error)")
    }

    @Test func keysOutOfOrderWithinAPageMakeNoProgress() throws {
        let error = try #require(Self.follow([Self.page(["a/2", "a/1"], token: nil)]))
        #expect(error.description.contains("makes no progress"), "\(error)")
    }

    @Test func aKeyListedTwiceIsAnErrorNeverCountedTwice() throws {
        // Within a page and across pages: one report never says "12/12 valid" and "12 UNREFERENCED".
        let within = try #require(Self.follow([Self.page(["a/1", "a/1", "a/2"], token: nil)]))
        #expect(within.description.contains("makes no progress"), "\(within)")
        let across = try #require(Self.follow([Self.page(["a/1", "a/2"], token: "t1"), Self.page(["a/2", "a/3"], token: nil)]))
        #expect(across.description.contains("makes no progress"), "\(across)")
    }

    @Test func keysAreComparedAsBytesNotAsCanonicallyEquivalentStrings() {
        // "cafe" + U+0301 (65 CC 81) comes before "caf" + U+00E9 (C3 A9) in S3's byte order, though
        // Swift's String calls them equal: two distinct keys, in order.
        #expect(Self.follow([Self.page(["cafe\u{301}"], token: "t1"), Self.page(["caf\u{e9}"], token: nil)]) == nil)
        #expect(Self.follow([Self.page(["caf\u{e9}"], token: "t1"), Self.page(["cafe\u{301}"], token: nil)]) != nil)
    }

    /// SeaweedFS lists a bucket as a walk of folders: `a/CloudTrail/…` (a folder) before
    /// `a/CloudTrail-Digest/…`, which S3's byte order puts first (`-` is 0x2D, `/` 0x2F).
    @Test func aListingInPathOrderThroughoutPassesAndAMixOfOrdersDoesNot() throws {
        let tree = ["a/CloudTrail/x.gz", "a/CloudTrail-Digest/y.gz", "a/CloudTrail.json", "a/b", "a/b/c", "a/b!c", "a/b0", "a!", "a-b/c"]
        #expect(Self.follow([Self.page(Array(tree.prefix(4)), token: "t1"), Self.page(Array(tree.dropFirst(4)), token: nil)]) == nil)
        #expect(Self.follow([Self.page(tree.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, token: nil)]) == nil)
        // Each step ascends in one of the orders, but no order holds for the whole listing and "a/b/c"
        // comes again: byte order broken at "a!" after "a/x", path order at "a/b/c" after "a!".
        let mixed = try #require(Self.follow([Self.page(["a/b/c", "a/b0", "a/x", "a!", "a/b/c"], token: nil)]))
        #expect(mixed.description.contains("makes no progress"), "\(mixed)")
        let repeated = try #require(Self.follow([Self.page(Array(tree.prefix(4)), token: "t1"), Self.page(Array(tree.prefix(4)), token: nil)]))
        #expect(repeated.description.contains("makes no progress: page 2"), "\(repeated)")
        // Common prefixes the same way: SeaweedFS's `CloudTrail/` before `CloudTrail-Digest/`.
        #expect(ListingOrder.folderOrderPrecedes(Array("p/CloudTrail/".utf8), Array("p/CloudTrail-Digest/".utf8)))
        #expect(!ListingOrder.folderOrderPrecedes(Array("p/CloudTrail-Digest/".utf8), Array("p/CloudTrail/".utf8)))
        #expect(!ListingOrder.folderOrderPrecedes(Array("p/a".utf8), Array("p/a".utf8)))
        #expect(ListingOrder.folderOrderPrecedes(Array("p/a".utf8), Array("p/a/".utf8)))
    }

    @Test func aListingFolderByFolderPassesAsSeaweedFSListsATrail() {
        // "CloudTrail-Digest/" before "CloudTrail/" in byte order ("-" < "/"); a store that lists
        // its folders depth first (SeaweedFS) gives "CloudTrail/" whole first.
        let logs = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/log.json.gz"
        let digests = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/digest.json.gz"
        #expect(Self.follow([Self.page([digests], token: "t1"), Self.page([logs], token: nil)]) == nil)
        #expect(Self.follow([Self.page([logs], token: "t1"), Self.page([digests], token: nil)]) == nil)
    }

    @Test func aListingThatLeavesBothOrdersMakesNoProgress() throws {
        // Folder order, then back in it: "a/d" is before "a-c" folder by folder, and "a-c" was
        // already before "a/b" in byte order.
        let mixed = try #require(Self.follow([Self.page(["a/b", "a-c"], token: "t1"), Self.page(["a/d"], token: nil)]))
        #expect(mixed.description.contains("makes no progress: page 2 lists the key a/d"), "\(mixed)")
        // A page repeated in folder order is no progress either.
        let repeated = try #require(Self.follow([Self.page(["x/1", "x-2"], token: "t1"), Self.page(["x/1", "x-2"], token: "t2")]))
        #expect(repeated.description.contains("makes no progress: page 2"), "\(repeated)")
    }

    @Test func folderOrderSortsASlashBeforeEveryOtherByte() {
        let precedes = { (lhs: String, rhs: String) in ListingOrder.folderOrderPrecedes(Array(lhs.utf8), Array(rhs.utf8)) }
        #expect(precedes("a/z", "a-b"))
        #expect(!precedes("a-b", "a/z"))
        #expect(precedes("a", "a/b"))
        #expect(precedes("a/b", "a/c"))
        #expect(!precedes("a/b", "a/b"))
        #expect(precedes("a/\u{0}", "a\u{1}"))
    }

    @Test func aRepeatedTokenIsAnError() throws {
        let error = try #require(Self.follow([Self.page(["a"], token: "same"), Self.page(["b"], token: "same")]))
        #expect(error.description.contains("repeats a continuation token"), "\(error)")
    }

    @Test func aTruncatedPageWithoutATokenIsAnError() throws {
        let error = try #require(Self.follow([Self.page(["a"], token: nil, truncated: true)]))
        #expect(error.description.contains("page 1 is truncated but gives no continuation token"), "\(error)")
    }

    @Test(arguments: ["", "<Error><Code>x</Code></Error>", "<ListBucketResult><IsTruncated>false</IsTruncated>",
                      "<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>"])
    func anAnswerThatIsNotAWholeListingIsAnErrorNotAnEmptyPage(_ body: String) throws {
        let error = try #require(Self.follow([Array(body.utf8)]))
        #expect(error.description.contains("answered page 1 with something other than a whole ListObjectsV2 result: "), "\(error)")
        #expect(error.object == "s3://bucket/AWSLogs/")
    }

    @Test func aGarbledSecondPageIsAnErrorNamingThePageNeverTheEndOfTheListing() throws {
        let garbled = Array("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>b".utf8)
        let error = try #require(Self.follow([Self.page(["a"], token: "t1"), garbled]))
        #expect(error.description.contains("answered page 2 with something other than a whole ListObjectsV2 result: "
            + "the answer is not well-formed XML (byte 66: the answer ends inside <Key>: unclosed tag)"), "\(error)")
    }

    @Test func aPageWithMoreEntriesThanAskedForIsAnError() throws {
        let keys = (0..<1001).map { "k\(10_000 + $0)" }
        let error = try #require(Self.follow([Self.page(keys, token: nil)]))
        #expect(error.description.contains("1001 entries"), "\(error)")
    }
}
