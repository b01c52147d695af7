import Testing
@testable import TrailproofKit

@Suite struct S3ParsingTests {
    @Test func aListPageYieldsDecodedKeysAndTheContinuationToken() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>AWSLogs%2F</Prefix>
            <KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
            <Contents><Key>AWSLogs/a%20b%2Bc.json.gz</Key><Size>10</Size></Contents>
            <Contents><Key>AWSLogs/x+y%26z.json.gz</Key><Size>11</Size></Contents>
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>
            """
        let page = try S3ListPage(xml: Array(xml.utf8))
        #expect(page.keys == ["AWSLogs/a b+c.json.gz", "AWSLogs/x y&z.json.gz"])
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func keysThatAreNotUTF8StayDistinctAndAreEachAFinding() throws {
        // No S3 key holds such bytes, but a hostile server may send them: %FF and %FE must not
        // both become U+FFFD (one key), and none may pass for a trail object.
        let log = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/08/111122223333_CloudTrail_us-east-1_20260108T0521Z_abc"
        let xml = "<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>"
            + ["%FF", "%FE", "%00", "%C3"].map { "<Contents><Key>\(log)\($0).json.gz</Key></Contents>" }.joined()
            + "</ListBucketResult>"
        let page = try S3ListPage(xml: Array(xml.utf8))
        #expect(page.keys.count == 4)
        #expect(Set(page.keys.map { ObjectKey($0) }).count == 4)
        #expect(page.keys.allSatisfy { $0.utf8.contains(0) })
        let inventory = TrailInventory(keys: page.keys)
        #expect(inventory.logFileCount == 0)
        #expect(Set(inventory.unexpected.map { ObjectKey($0.key) }) == Set(page.keys.map { ObjectKey($0) }))
    }

    @Test func theLastPageHasNoToken() throws {
        let page = try S3ListPage(xml: Array("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>".utf8))
        #expect(page.keys.isEmpty)
        #expect(page.nextContinuationToken == nil)
    }

    @Test func errorCodesAreReadFromXMLAndJSON() {
        #expect(AWSRequestError.errorCode(Array("<Error><Code>SlowDown</Code><Message>x</Message></Error>".utf8)) == "SlowDown")
        #expect(AWSRequestError.errorCode(Array(#"{"__type":"com.amazon#UnrecognizedClientException","message":"x"}"#.utf8)) == "UnrecognizedClientException")
        #expect(AWSRequestError.errorCode([]) == nil)
    }

    @Test(arguments: [("s3://bucket", "bucket", ""), ("s3://bucket/", "bucket", ""), ("s3://bucket/logs/ct", "bucket", "logs/ct/"),
                      ("s3://bucket/logs/ct/", "bucket", "logs/ct/")])
    func s3URLsParse(url: String, bucket: String, prefix: String) {
        let parsed = S3Store.parse(url: url)
        #expect(parsed?.bucket == bucket)
        #expect(parsed?.prefix == prefix)
    }

    @Test(arguments: ["bucket", "s3://", "s3:///key", "/tmp/x", "https://bucket"])
    func otherRootsAreNotS3(url: String) {
        #expect(S3Store.parse(url: url) == nil)
    }

    @Test(arguments: [("AWSLogs/1/CloudTrail/us-east-1/", true), ("p/AWSLogs/o-1/1/CloudTrail-Digest/eu-west-2/", true),
                      ("AWSLogs/1/CloudTrail/us-east-1/2026/01/08/", false), ("AWSLogs/1/CloudTrail/", false),
                      ("AWSLogs/1/CloudTrail/us-east-1", false), ("CloudTrail/x/", true), ("x/", false)] as [(String, Bool)])
    func regionFoldersAreRecognised(_ folder: String, _ expected: Bool) {
        #expect(S3Store.isRegionFolder(folder) == expected)
    }
}
