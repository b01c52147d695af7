/// Holds a ListObjectsV2 listing to what S3 does, so that no server can page forever and no
/// garbled page passes for the last one: every page a whole ListBucketResult (`S3ListPage`),
/// at most `pageLimit` pages, at most 1,000 entries a page, every continuation token new, and
/// every key (and every common prefix) strictly after the one before it, across pages too: in
/// UTF-8 byte order, as S3 returns them, or folder by folder, as a store that lists a tree does
/// (SeaweedFS; see `ListingOrder`). An answer that is not a whole ListBucketResult, a page
/// repeated under a fresh token, a token handed back twice, or a truncated page without a token
/// is an error naming the endpoint and the page.
struct S3ListingGuard {
    /// The most pages one listing may take: 100,000 pages of 1,000 keys list 100 million objects.
    static let defaultPageLimit = 100_000
    /// The most entries (keys and common prefixes) S3 returns in a page for `max-keys=1000`.
    static let entriesPerPage = 1_000

    /// Pages allowed.
    let pageLimit: Int
    /// Where the listing comes from (scheme, host and port), for errors.
    let endpoint: String
    /// What is listed (`s3://bucket/prefix`), for errors.
    let object: String

    private var pages = 0
    private var keyOrder = ListingOrder()
    private var folderOrder = ListingOrder()
    /// Hashes of the tokens seen (tokens are opaque; a hash keeps the set small whatever their length).
    private var tokensSeen: Set<Int> = []

    init(pageLimit: Int, requestURL: String, object: String) {
        self.pageLimit = max(1, pageLimit)
        endpoint = S3ListingGuard.origin(of: requestURL)
        self.object = object
    }

    /// Counts one more page about to be requested.
    /// - Throws: `AWSRequestError` past `pageLimit`.
    mutating func willRequestPage() throws {
        pages += 1
        guard pages <= pageLimit else {
            throw failure("the listing from \(endpoint) goes on past \(pageLimit) pages (the limit for one listing; "
                + "100 million objects at 1,000 a page)")
        }
    }

    /// Reads the answer to the page just requested and checks it against the pages before it.
    /// - Throws: `AWSRequestError` for an answer that is not a whole ListObjectsV2 result, or
    ///   a page that makes no progress or cannot be followed.
    mutating func page(from body: [UInt8]) throws -> S3ListPage {
        let page: S3ListPage
        do {
            page = try S3ListPage(xml: body)
        } catch let error as S3ListPageError {
            throw failure("the listing from \(endpoint) answered page \(pages) with something other than a whole ListObjectsV2 result: "
                + error.reason)
        }
        try check(page)
        return page
    }

    /// Checks `page` against the pages before it.
    /// - Throws: `AWSRequestError` for a page that makes no progress or cannot be followed.
    mutating func check(_ page: S3ListPage) throws {
        if page.isTruncated && page.nextContinuationToken == nil {
            throw failure("the listing from \(endpoint) says page \(pages) is truncated but gives no continuation token")
        }
        guard page.keys.count + page.folders.count <= S3ListingGuard.entriesPerPage else {
            throw failure("the listing from \(endpoint) returned \(page.keys.count + page.folders.count) entries in page \(pages), "
                + "more than the \(S3ListingGuard.entriesPerPage) asked for")
        }
        if let token = page.nextContinuationToken {
            var hasher = Hasher()
            Array(token.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
            guard tokensSeen.insert(hasher.finalize()).inserted else {
                throw failure("the listing from \(endpoint) repeats a continuation token: it would never end")
            }
        }
        try checkAscending(page.keys, order: &keyOrder, kind: "key")
        try checkAscending(page.folders, order: &folderOrder, kind: "common prefix")
    }

    /// Every name strictly after the one before it, in one of the orders `ListingOrder` allows.
    private func checkAscending(_ names: [String], order: inout ListingOrder, kind: String) throws {
        for name in names where !order.advance(to: Array(name.utf8)) {
            throw failure("the listing from \(endpoint) makes no progress: page \(pages) lists the \(kind) "
                + "\(TerminalText.escaped(name)) at or before one already listed (a page repeated, or out of order)")
        }
    }

    private func failure(_ message: String) -> AWSRequestError {
        AWSRequestError(object: object, status: 200, code: nil, message: message, attempts: 1)
    }

    /// `scheme://host[:port]` of `url`.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(ofLiteral: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        return String(url[..<schemeEnd.upperBound]) + authority
    }
}
