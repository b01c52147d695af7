import Testing
@testable import TrailproofKit

/// ListObjectsV2 answers read strictly: real S3 and moto pages byte for byte, and each way a
/// 200 answer can fail to be a whole page.
@Suite struct S3ListPageTests {
    /// A page as Amazon S3 writes it (the ListObjectsV2 documentation's example, with
    /// `encoding-type=url`): ETag quotes as `&quot;`, a space as `+`.
    static let amazonPage = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix></Prefix>\
        <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><KeyCount>2</KeyCount>\
        <MaxKeys>2</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><Contents><Key>happy+face.jpg</Key>\
        <LastModified>2014-11-21T19:40:05.000Z</LastModified><ETag>&quot;70ee1738b6b21e2c8a43f3a5ab0eee71&quot;</ETag><Size>11</Size>\
        <StorageClass>STANDARD</StorageClass></Contents><Contents><Key>caf%C3%A9%2B%0D%01.jpg</Key>\
        <LastModified>2014-11-21T19:40:05.000Z</LastModified><ETag>&quot;becf17f89c30367a9a44495d62ed521a-1&quot;</ETag>\
        <Size>1111374</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>
        """

    /// A page as moto 5.2 writes it (captured from its server), with a delimiter.
    static let motoPage = #"""
        <?xml version="1.0" encoding="utf-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated><Contents><Key>AWSLogs/a%20b%2Bc%26%3Cd%3E.json.gz</Key><LastModified>2026-12-02T17:43:50.000Z</LastModified><ETag>"5d41402abc4b2a76b9719d911017c592"</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>AWSLogs/caf%C3%A9%01.json.gz</Key><LastModified>2026-12-02T17:43:50.000Z</LastModified><ETag>"5d41402abc4b2a76b9719d911017c592"</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>AWSLogs/z.json.gz</Key><LastModified>2026-12-02T17:43:50.000Z</LastModified><ETag>"5d41402abc4b2a76b9719d911017c592"</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents><Name>bucket-x</Name><Prefix>AWSLogs/</Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys><CommonPrefixes><Prefix>AWSLogs/x/</Prefix></CommonPrefixes><EncodingType>url</EncodingType><KeyCount>4</KeyCount></ListBucketResult>
        """#

    static func read(_ text: String) throws -> S3ListPage { try S3ListPage(xml: Array(text.utf8)) }

    /// The reason a page is refused.
    static func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try S3ListPage(xml: bytes)
            return nil
        } catch let error as S3ListPageError {
            return error.reason
        } catch {
            return "unexpected \(error)"
        }
    }

    static func refusal(_ text: String) -> String? { refusal(Array(text.utf8)) }

    /// A page with `body` inside a URL-encoded ListBucketResult.
    static func page(_ body: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
            + body + "</ListBucketResult>"
    }

    @Test func anAmazonPageYieldsItsExactKeysSizesETagsAndToken() throws {
        let page = try Self.read(Self.amazonPage)
        #expect(page.keys.count == 2)
        #expect(page.keys.map { Array($0.utf8) } == [Array("happy face.jpg".utf8), Array("caf\u{e9}+\r\u{1}.jpg".utf8)])
        #expect(page.sizes == [11, 1_111_374])
        #expect(page.etags == ["\"70ee1738b6b21e2c8a43f3a5ab0eee71\"", "\"becf17f89c30367a9a44495d62ed521a-1\""])
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func aMotoPageWithADelimiterYieldsItsKeysAndCommonPrefixes() throws {
        let page = try Self.read(Self.motoPage)
        #expect(page.keys.count == 3)
        #expect(page.keys.map { Array($0.utf8) } == ["AWSLogs/a b+c&<d>.json.gz", "AWSLogs/caf\u{e9}\u{1}.json.gz", "AWSLogs/z.json.gz"].map { Array($0.utf8) })
        #expect(page.folders.map { Array($0.utf8) } == [Array("AWSLogs/x/".utf8)])
        #expect(!page.isTruncated)
        #expect(page.nextContinuationToken == nil)
    }

    @Test func keysStayTheirExactBytesNotCanonicalEquivalents() throws {
        // U+00E9 and e + U+0301 are one String to Swift's ==, two keys to S3.
        let page = try Self.read(Self.page("<IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>"
            + "<Contents><Key>caf%C3%A9</Key></Contents><Contents><Key>cafe%CC%81</Key></Contents>"))
        #expect(page.keys.map { Array($0.utf8) } == [[0x63, 0x61, 0x66, 0xC3, 0xA9], [0x63, 0x61, 0x66, 0x65, 0xCC, 0x81]])
    }

    @Test func everyReferenceIsDecodedExactly() throws {
        // Without EncodingType the text is the key: references and CDATA decoded, CR LF read as LF.
        let page = try Self.read(Self.page("<IsTruncated>false</IsTruncated>"
            + "<Contents><Key>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;&#9;&#13;\r\n<![CDATA[<&>]]>z</Key></Contents>"))
        #expect(page.keys.map { Array($0.utf8) } == [Array("&<>\"'AB\u{1F600}\t\r\n<&>z".utf8)])
    }

    @Test func aPageWithoutADeclarationOrNamespaceAndWithCommentsIsRead() throws {
        let page = try Self.read("\u{FEFF}<!-- listing --><ListBucketResult>\n  <IsTruncated>false</IsTruncated>\n"
            + "  <Contents><Key>a</Key><Size>0</Size></Contents><?trace 1?>\n</ListBucketResult>\n<!-- end -->\n")
        #expect(page.keys == ["a"])
        #expect(page.sizes == [0])
    }

    // MARK: Refused

    @Test(arguments: [
        ("", "the answer is not well-formed XML (byte 0: the answer is empty)"),
        ("<html><body>Service Unavailable</body></html>", "the root element is <html>, not <ListBucketResult>"),
        ("<Error><Code>InternalError</Code></Error>", "the root element is <Error>, not <ListBucketResult>"),
        ("<ListAllMyBucketsResult><IsTruncated>false</IsTruncated></ListAllMyBucketsResult>",
         "the root element is <ListAllMyBucketsResult>, not <ListBucketResult>"),
        ("HTTP/1.1 200 OK", "the answer is not well-formed XML (byte 0: text before the root element)"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated>", "the answer is not well-formed XML (byte 50: the answer ends inside <ListBucketResult>: unclosed tag)"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Contents></ListBucketResult>",
         "the answer is not well-formed XML (byte 66: </Contents> closes <Key>: mismatched tags)"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult><ListBucketResult>",
         "the answer is not well-formed XML (byte 69: content after the root element)"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>garbage",
         "the answer is not well-formed XML (byte 69: content after the root element)"),
        ("<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>", "it has no <IsTruncated>: whether more pages follow is unknown"),
        ("<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>", "<IsTruncated> is \"maybe\", neither true nor false"),
        ("<ListBucketResult><IsTruncated>True</IsTruncated></ListBucketResult>", "<IsTruncated> is \"True\", neither true nor false"),
        ("<ListBucketResult><IsTruncated> false</IsTruncated></ListBucketResult>", "<IsTruncated> is \" false\", neither true nor false"),
        ("<ListBucketResult><IsTruncated>true</IsTruncated><IsTruncated>false</IsTruncated></ListBucketResult>", "<IsTruncated> given twice"),
        ("<ListBucketResult><IsTruncated><b>false</b></IsTruncated></ListBucketResult>", "<IsTruncated> holds elements, not text"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><NextContinuationToken>a</NextContinuationToken>"
            + "<NextContinuationToken>b</NextContinuationToken></ListBucketResult>", "<NextContinuationToken> given twice"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Size>1</Size></Contents></ListBucketResult>",
         "entry 1 (<Contents>) has no <Key>"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Key>b</Key></Contents></ListBucketResult>",
         "<Key> given twice in a <Contents>"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>-1</Size></Contents></ListBucketResult>",
         "the <Size> of entry 1 is \"-1\", not a count"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><CommonPrefixes></CommonPrefixes></ListBucketResult>",
         "common prefix 1 (<CommonPrefixes>) has no <Prefix>"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>2</KeyCount><Contents><Key>a</Key></Contents></ListBucketResult>",
         "<KeyCount> says 2 but the page lists 1 keys and 0 common prefixes"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>base64</EncodingType></ListBucketResult>",
         "<EncodingType> is \"base64\", not url: its keys cannot be read"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType><Contents><Key>a%2</Key></Contents></ListBucketResult>",
         "a URL-encoded key has a % that is not followed by two hex digits: \"a%2\""),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType><Contents><Key>a%zz</Key></Contents></ListBucketResult>",
         "a URL-encoded key has a % that is not followed by two hex digits: \"a%zz\""),
        ("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a%20b</Key></Contents></ListBucketResult>",
         "the page does not say its names are URL-encoded (no <EncodingType>url</EncodingType>, which was asked for) "
            + "and the key \"a%20b\" holds % or +, so it reads as two different keys"),
        ("<ListBucketResult><IsTruncated>false</IsTruncated>text<Contents><Key>a</Key></Contents></ListBucketResult>",
         "the answer is not well-formed XML (byte 54: text beside the child elements of <ListBucketResult>)"),
    ] as [(String, String)])
    func aMalformedPageIsRefusedSayingWhy(_ body: String, _ reason: String) {
        #expect(Self.refusal(body) == reason)
    }

    @Test(arguments: [
        ("<a>&amp</a>", "byte 3: & that begins no reference (a bare & must be written &amp;)"),
        ("<a>AT&T</a>", "byte 5: & that begins no reference (a bare & must be written &amp;)"),
        ("<a>&nbsp;</a>", "byte 3: the undefined entity &nbsp;"),
        ("<a>&#;</a>", "byte 3: a malformed character reference"),
        ("<a>&#x;</a>", "byte 3: a malformed character reference"),
        ("<a>&#12a;</a>", "byte 3: a malformed character reference"),
        ("<a>&#X43;</a>", "byte 3: a malformed character reference"),
        ("<a>&#0;</a>", "byte 3: a character reference to U+0000, which XML 1.0 cannot hold"),
        ("<a>&#x1;</a>", "byte 3: a character reference to U+0001, which XML 1.0 cannot hold"),
        ("<a>&#xD800;</a>", "byte 3: a character reference to U+D800, which XML 1.0 cannot hold"),
        ("<a>&#x110000;</a>", "byte 3: a character reference to U+110000, which XML 1.0 cannot hold"),
        ("<a>&#xFFFE;</a>", "byte 3: a character reference to U+FFFE, which XML 1.0 cannot hold"),
        ("<a><b</a>", "byte 5: expected white space, > or /> in the start tag <b>"),
        ("<a>]]></a>", "byte 5: ]]> in text"),
        ("<a x='1' x='2'/>", "byte 9: the attribute x given twice"),
        ("<a x=1/>", "byte 5: expected a quoted attribute value"),
        ("<a x='<'/>", "byte 6: < inside an attribute value"),
        ("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "byte 0: a document type declaration (no S3 answer has one)"),
        ("<a><!-- a -- b --></a>", "byte 10: -- inside a comment"),
        ("<a><![CDATA[x</a>", "byte 3: a CDATA section that never ends"),
        ("<a><?xml version='1.0'?></a>", "byte 3: an XML declaration that is not at the start of the answer"),
        (" <?xml version='1.0'?><a/>", "byte 1: an XML declaration that is not at the start of the answer"),
        ("<?xml version='1.1'?><a/>", "byte 6: XML version 1.1, not 1.0"),
        ("<?xml version='1.0' encoding='ISO-8859-1'?><a/>", "byte 20: the answer declares the encoding ISO-8859-1, not UTF-8"),
        ("<?xml encoding='UTF-8'?><a/>", "byte 6: the XML declaration has encoding out of place"),
        ("<a>\u{1}</a>", "byte 3: control character U+0001 in the answer"),
        ("<a>\u{FFFF}</a>", "byte 3: the noncharacter U+FFFF in the answer"),
        ("<a></b>", "byte 3: </b> closes <a>: mismatched tags"),
        ("</a>", "byte 0: expected the root element's start tag"),
    ] as [(String, String)])
    func malformedXMLIsRefusedAtItsByte(_ document: String, _ reason: String) {
        #expect(Self.refusal(document) == "the answer is not well-formed XML (\(reason))")
    }

    @Test func bytesThatAreNotUTF8AreRefusedWhereTheyStart() {
        #expect(Self.refusal([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E]) == "the answer is not well-formed XML (byte 3: the answer is not UTF-8)")
    }

    @Test func nestingPastTheLimitIsRefusedNotAStackOverflow() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        let reason = Self.refusal(deep)
        #expect(reason == "the answer is not well-formed XML (byte 96: elements nested deeper than 32 levels)")
    }

    @Test func everyPrefixOfAWholePageIsRefused() throws {
        // A page cut anywhere (a connection closed early, a proxy's truncation) never reads as a page.
        let bytes = Array(Self.amazonPage.utf8)
        _ = try S3ListPage(xml: bytes)
        var accepted: [Int] = []
        for length in 0..<bytes.count where Self.refusal(Array(bytes.prefix(length))) == nil { accepted.append(length) }
        #expect(accepted.isEmpty, "prefixes read as pages: \(accepted)")
    }
}
