/// One page of a ListObjectsV2 answer, read strictly.
///
/// The answer must be well-formed XML (`S3ListingXML`) whose root is `ListBucketResult` (any
/// namespace declaration). `IsTruncated` is required, once, and is `true` or `false`;
/// `NextContinuationToken`, `KeyCount` and `EncodingType` may each appear once; `KeyCount`, when
/// given, counts the page's keys and common prefixes; every `Contents` has one `Key` and at most
/// one `Size` and `ETag`; every `CommonPrefixes` one `Prefix`. Elements S3 adds that trailproof
/// does not use (`LastModified`, `StorageClass`, `Owner`, checksums, ...) are read and skipped.
///
/// Keys are bytes. XML 1.0 cannot carry some of the characters a key may hold (most control
/// characters), so trailproof asks for `encoding-type=url`: S3 then percent-encodes each `Key`
/// and `Prefix` (a space as `+`) and says `<EncodingType>url</EncodingType>`. Those are decoded
/// strictly to their exact bytes; a page that does not say it is URL-encoded is read as written
/// unless a name holds `%` or `+`, which would then mean two different keys (an error).
/// Names that are not UTF-8 keep their identity through `ObjectKey.text(fromBytes:)`.
struct S3ListPage {
    /// The keys, in the page's order.
    var keys: [String] = []
    /// Each key's `Size`, when given.
    var sizes: [Int64?] = []
    /// Each key's `ETag` as written (quotes included), when given.
    var etags: [String?] = []
    /// The common prefixes (for a listing with a delimiter), in the page's order.
    var folders: [String] = []
    /// `IsTruncated` is `true`: more pages follow.
    var isTruncated = false
    /// The token for the next page; nil when absent or empty.
    var nextContinuationToken: String?

    /// Reads the answer `bytes`.
    /// - Throws: `S3ListPageError` saying what makes it no whole ListObjectsV2 result.
    init(xml bytes: [UInt8]) throws {
        let root: S3ListingXML.Element
        do {
            root = try S3ListingXML.parse(bytes)
        } catch let error as S3ListingXMLError {
            throw S3ListPageError("the answer is not well-formed XML (\(error))")
        }
        guard root.isNamed("ListBucketResult") else {
            throw S3ListPageError("the root element is <\(root.displayName)>, not <ListBucketResult>")
        }
        var truncated: [UInt8]?, token: [UInt8]?, keyCount: [UInt8]?, encoding: [UInt8]?
        var rawKeys: [[UInt8]] = [], rawFolders: [[UInt8]] = []
        for child in root.children {
            if child.isNamed("IsTruncated") {
                try Self.once(&truncated, child)
            } else if child.isNamed("NextContinuationToken") {
                try Self.once(&token, child)
            } else if child.isNamed("KeyCount") {
                try Self.once(&keyCount, child)
            } else if child.isNamed("EncodingType") {
                try Self.once(&encoding, child)
            } else if child.isNamed("Contents") {
                var key: [UInt8]?, size: [UInt8]?, etag: [UInt8]?
                for field in child.children {
                    if field.isNamed("Key") { try Self.once(&key, field, in: "Contents") }
                    else if field.isNamed("Size") { try Self.once(&size, field, in: "Contents") }
                    else if field.isNamed("ETag") { try Self.once(&etag, field, in: "Contents") }
                }
                guard let key else { throw S3ListPageError("entry \(rawKeys.count + 1) (<Contents>) has no <Key>") }
                rawKeys.append(key)
                sizes.append(try size.map { try Self.count($0, "the <Size> of entry \(rawKeys.count)") })
                etags.append(etag.map { String(decoding: $0, as: UTF8.self) })
            } else if child.isNamed("CommonPrefixes") {
                var prefix: [UInt8]?
                for field in child.children where field.isNamed("Prefix") { try Self.once(&prefix, field, in: "CommonPrefixes") }
                guard let prefix else { throw S3ListPageError("common prefix \(rawFolders.count + 1) (<CommonPrefixes>) has no <Prefix>") }
                rawFolders.append(prefix)
            }
        }
        guard let truncated else { throw S3ListPageError("it has no <IsTruncated>: whether more pages follow is unknown") }
        if truncated.elementsEqual("true".utf8) {
            isTruncated = true
        } else if !truncated.elementsEqual("false".utf8) {
            throw S3ListPageError("<IsTruncated> is \(Self.quoted(truncated)), neither true nor false")
        }
        if let keyCount {
            let count = try Self.count(keyCount, "<KeyCount>")
            guard count == Int64(rawKeys.count + rawFolders.count) else {
                throw S3ListPageError("<KeyCount> says \(count) but the page lists \(rawKeys.count) keys and \(rawFolders.count) common prefixes")
            }
        }
        let decode: ([UInt8], String) throws -> [UInt8]
        if let encoding {
            guard encoding.elementsEqual("url".utf8) else {
                throw S3ListPageError("<EncodingType> is \(Self.quoted(encoding)), not url: its keys cannot be read")
            }
            decode = Self.urlDecoded
        } else {
            decode = Self.unencoded
        }
        keys = try rawKeys.map { ObjectKey.text(fromBytes: try decode($0, "key")) }
        folders = try rawFolders.map { ObjectKey.text(fromBytes: try decode($0, "common prefix")) }
        nextContinuationToken = token.flatMap { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) }
    }

    /// Records `element`'s text in `slot`, which must be empty, from an element without children.
    private static func once(_ slot: inout [UInt8]?, _ element: S3ListingXML.Element, in parent: String? = nil) throws {
        let place = parent.map { " in a <\($0)>" } ?? ""
        guard slot == nil else { throw S3ListPageError("<\(element.displayName)> given twice\(place)") }
        guard element.children.isEmpty else { throw S3ListPageError("<\(element.displayName)>\(place) holds elements, not text") }
        slot = element.text
    }

    /// A non-negative decimal number of at most 18 digits.
    private static func count(_ text: [UInt8], _ what: String) throws -> Int64 {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw S3ListPageError("\(what) is \(quoted(text)), not a count")
        }
        return text.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }

    /// `encoding-type=url`: `%HH` is the byte HH and `+` a space; any other `%` is an error.
    static func urlDecoded(_ text: [UInt8], _ what: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "%") {
                guard let high = hexValue(text[safe: index + 1]), let low = hexValue(text[safe: index + 2]) else {
                    throw S3ListPageError("a URL-encoded \(what) has a % that is not followed by two hex digits: \(quoted(text))")
                }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return bytes
    }

    /// Names of a page that does not say it is URL-encoded: as written, unless `%` or `+` makes
    /// them ambiguous.
    static func unencoded(_ text: [UInt8], _ what: String) throws -> [UInt8] {
        guard !text.contains(UInt8(ascii: "%")), !text.contains(UInt8(ascii: "+")) else {
            throw S3ListPageError("the page does not say its names are URL-encoded (no <EncodingType>url</EncodingType>, which was asked for) "
                + "and the \(what) \(quoted(text)) holds % or +, so it reads as two different keys")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8?) -> UInt8? {
        guard let byte else { return nil }
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Text from the answer, quoted and made safe for a terminal.
    private static func quoted(_ text: [UInt8]) -> String {
        "\"" + TerminalText.escaped(ObjectKey.text(fromBytes: text.prefix(200))) + "\""
    }
}

/// Why an answer is not a whole ListObjectsV2 page.
struct S3ListPageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in words.
    let reason: String

    init(_ reason: String) { self.reason = reason }

    var description: String { reason }
}

private extension Array where Element == UInt8 {
    subscript(safe index: Int) -> UInt8? { indices.contains(index) ? self[index] : nil }
}
