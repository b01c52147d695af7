import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// The lean ways through hostile JSON (skipping a member, reading a few fields of each object of
/// an array, a digest's log file list) accept and refuse exactly what a full parse does, with
/// the same error, and read the same values: tested against `StrictJSON.parse` on generated and
/// mutated input.
@Suite struct LeanJSONReadingTests {
    static let names = ["s3Bucket", "s3Object", "hashValue", "hashAlgorithm", "oldestEventTime", "newestEventTime"]

    /// A logFiles-like array: objects with wanted and other members, some values nested or
    /// escaped or non-ASCII, now and then an element that is not an object.
    static func array(_ random: inout SeededGenerator) -> String {
        let values = ["\"b\"", "\"AWSLogs/1/CloudTrail/us-east-1/2026/01/08/x.json.gz\"", "null", "1.5e3", "true",
                      "\"2026-01-08T05:00:00Z\"", "\"caf\u{e9}\"", "\"a\\u0062\\n\"", "[1, {\"k\": []}]", "{\"s3Bucket\": 1}",
                      "\"SHA-256\"", "\"\(String(repeating: "f", count: 64))\"", "-0", "\"\\ud83d\\ude00\""]
        let memberNames = names + ["x", "s3\\u004fbject", "caf\u{e9}", "", "hashvalue"]
        let elements = (0..<Int.random(in: 0...6, using: &random)).map { _ -> String in
            if Int.random(in: 0..<8, using: &random) == 0 { return values.randomElement(using: &random)! }
            var used = Set<String>()
            let members = (0..<Int.random(in: 0...8, using: &random)).compactMap { _ -> String? in
                let name = memberNames.randomElement(using: &random)!
                guard used.insert(name).inserted else { return nil }
                return "\"\(name)\": \(values.randomElement(using: &random)!)"
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
        return "[" + elements.joined(separator: ",\n ") + "]"
    }

    /// One random edit: a byte replaced, removed or repeated, or a member repeated.
    static func mutate(_ text: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        guard !text.isEmpty else { return Array("[".utf8) }
        var bytes = text
        let at = Int.random(in: 0..<bytes.count, using: &random)
        let alphabet: [UInt8] = Array("\"\\{}[],: a0nu".utf8) + [0x01, 0xC3, 0xFF, 0x80]
        switch Int.random(in: 0..<4, using: &random) {
        case 0: bytes[at] = alphabet.randomElement(using: &random)!
        case 1: bytes.remove(at: at)
        case 2: bytes.insert(bytes[at], at: at)
        default:
            // Repeat the member that starts at the first `{"` after `at`, if any.
            let tail = bytes[at...]
            if let open = tail.firstIndex(of: UInt8(ascii: "{")), open + 1 < bytes.count, bytes[open + 1] == UInt8(ascii: "\""),
               let comma = bytes[open...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") }),
               bytes[comma] == UInt8(ascii: ",") {
                bytes.insert(contentsOf: Array(bytes[(open + 1)...comma]), at: open + 1)
            } else {
                bytes[at] = UInt8(ascii: "\"")
            }
        }
        return bytes
    }

    /// Inputs: generated arrays, each also with one to three edits.
    static let inputs: [[UInt8]] = {
        var random = SeededGenerator(seed: 0x5EED_1EA4)
        var inputs: [[UInt8]] = []
        for _ in 0..<400 {
            let text = Array(array(&random).utf8)
            inputs.append(text)
            var mutated = text
            for _ in 0..<Int.random(in: 1...3, using: &random) { mutated = mutate(mutated, &random) }
            inputs.append(mutated)
        }
        // Objects past the size where names stop being compared one by one.
        let many = (0..<40).map { "\"m\($0)\": \($0)" }
        inputs.append(Array(("[{" + many.joined(separator: ",") + "}]").utf8))
        inputs.append(Array(("[{" + (many + ["\"m3\": 0"]).joined(separator: ",") + "}]").utf8))
        inputs.append(Array(("[{" + (many + ["\"m\\u0033\": 0"]).joined(separator: ",") + "}]").utf8))
        inputs.append(Array(#"[{"a": 1, "\u0061": 2}]"#.utf8))
        inputs.append(Array(#"[{"é": 1, "\u00e9": 2}]"#.utf8))
        inputs.append(Array(#"[{"s3Bucket": "a", "s3Bucket": "a"}]"#.utf8))
        inputs.append(Array(#"{"not": "an array"}"#.utf8))
        inputs.append(Array((String(repeating: "[", count: 70) + String(repeating: "]", count: 70)).utf8))
        inputs.append(Array(("[{\"x\": " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}]").utf8))
        return inputs
    }()

    @Test func readingAFewFieldsOfEachObjectAgreesWithAFullParse() throws {
        var refused = 0
        for input in Self.inputs {
            let full = Result { try StrictJSON.parse(input) }
            var objects: [[JSONValue?]?] = []
            let lean = Result { try StrictJSON.forEachObject(inArray: input, range: input.indices, keeping: Self.names) { objects.append($0) } }
            let text = String(decoding: input, as: UTF8.self)
            switch (full, lean) {
            case (.failure(let expected), .failure(let actual)):
                refused += 1
                #expect(actual as? JSONSyntaxError == expected as? JSONSyntaxError, "\(text)")
            case (.success(let value), .success(let isArray)):
                guard let elements = value.arrayValue else {
                    #expect(!isArray, "\(text)")
                    continue
                }
                #expect(isArray && objects.count == elements.count, "\(text)")
                for (element, fields) in zip(elements, objects) {
                    if let members = element.objectValue {
                        #expect(fields == Self.names.map { members[ObjectKey($0)] }, "\(text)")
                    } else {
                        #expect(fields == nil, "\(text)")
                    }
                }
            default:
                Issue.record("one refused, the other did not: \(full) / \(lean) for \(text)")
            }
        }
        // The edits make plenty of bad input, and leave plenty good.
        #expect(refused > 100 && refused < Self.inputs.count - 100)
    }

    @Test func skippingAMemberRefusesExactlyWhatParsingIt() throws {
        for input in Self.inputs {
            let document = Array(#"{"digestS3Bucket": "b", "logFiles": "#.utf8) + input + Array("}".utf8)
            let full = Result { try StrictJSON.parse(document) }
            let skipped = Result { try StrictJSON.parseObject(document, skipping: ["logFiles"]) }
            let text = String(decoding: input, as: UTF8.self)
            switch (full, skipped) {
            case (.failure(let expected), .failure(let actual)):
                #expect(actual as? JSONSyntaxError == expected as? JSONSyntaxError, "\(text)")
            case (.success(let value), .success(let parts)):
                let array = try #require(value.objectValue?["logFiles"])
                #expect(parts.skipped["logFiles"]?.arrayCount == array.arrayValue?.count, "\(text)")
                #expect(parts.members["digestS3Bucket"] == .string("b"))
            default:
                Issue.record("one refused, the other did not for \(text)")
            }
        }
    }

    /// The log file list as it was read before the lean reader: the whole array parsed, then
    /// each entry's fields looked up by name.
    static func referenceLogFiles(_ bytes: [UInt8], range: Range<Int>) throws -> [LogFileEntry] {
        let value: JSONValue
        do {
            value = try StrictJSON.parse(bytes, range: range)
        } catch let error as JSONSyntaxError {
            throw DigestFormatError("logFiles is not valid JSON: \(error)")
        }
        guard let array = value.arrayValue else { throw DigestFormatError("logFiles is missing or not an array") }
        return try array.enumerated().map { index, element in
            guard let entry = element.objectValue else { throw DigestFormatError("logFiles[\(index)] is not an object") }
            let item = JSONFields(entry, path: "logFiles[\(index)].")
            return LogFileEntry(bucket: try item.string("s3Bucket"), object: try item.string("s3Object"),
                                hashValue: try item.string("hashValue").lowercased(),
                                hashAlgorithm: item.isNullOrAbsent("hashAlgorithm") ? "SHA-256" : try item.string("hashAlgorithm"))
        }
    }

    @Test func aHashIsLoweredExactlyAsLowercasedLowersIt() {
        // Lower-case ASCII (what CloudTrail writes) comes back as it is; anything else as
        // `lowercased()` gives it, byte for byte (the Kelvin sign folds to "k" there).
        for text in ["", "abc123", "ABCDEF", "aBc", "\u{212A}", "\u{C9}f", "e\u{301}", String(repeating: "F", count: 64)] {
            #expect(Array(Digest.lowercasedHex(text).utf8) == Array(text.lowercased().utf8), "\(Array(text.utf8))")
        }
    }

    @Test func aDigestsLogFileListIsReadAsAFullParseReadsIt() throws {
        var random = SeededGenerator(seed: 77)
        let long = "\"" + String(repeating: "k", count: Digest.fieldLengthLimit + 1) + "\""
        var lists = Self.inputs.map { String(decoding: $0, as: UTF8.self) }
        // Entries that are nearly right: each field missing, null, of another type, too long, escaped.
        let fields = ["\"s3Bucket\": \"b\"", "\"s3Object\": \"AWSLogs/x.json.gz\"", "\"hashValue\": \"ABCDEF\"",
                      "\"hashAlgorithm\": \"SHA-256\"", "\"oldestEventTime\": \"2026-01-08T05:00:00Z\"",
                      "\"newestEventTime\": \"2026-01-08T05:10:00Z\""]
        for _ in 0..<300 {
            let entries = (0..<Int.random(in: 1...3, using: &random)).map { _ -> String in
                let members = fields.map { field -> String? in
                    let name = String(field.prefix { $0 != ":" })
                    switch Int.random(in: 0..<12, using: &random) {
                    case 0: return nil
                    case 1: return name + ": null"
                    case 2: return name + ": 7"
                    case 3: return name + ": " + long
                    case 4: return name + ": \"A\\u0042c\""
                    case 5: return name + ": \"not a time\""
                    case 6: return name + ": \"\u{212A}\u{C9}f\""
                    default: return field
                    }
                }
                return "{" + members.compactMap { $0 }.joined(separator: ", ") + "}"
            }
            lists.append("[" + entries.joined(separator: ", ") + "]")
        }
        var agreed = (entries: 0, errors: 0)
        for list in lists {
            let header = #"{"awsAccountId": "111122223333", "digestStartTime": "2026-01-08T04:00:00Z", "digestEndTime": "2026-01-08T05:00:00Z", "digestS3Bucket": "b", "digestS3Object": "k", "digestPublicKeyFingerprint": "ab", "digestSignatureAlgorithm": "SHA256withRSA", "logFiles": "#
            let bytes = Array((header + list + "}").utf8)
            var range = 0..<0
            guard (try? Digest(json: bytes, logFilesRange: &range)) != nil else { continue }
            let expected = Result { try Self.referenceLogFiles(bytes, range: range) }
            let actual = Result { try Digest(json: bytes).logFiles }
            switch (expected, actual) {
            case (.success(let expectedEntries), .success(let actualEntries)):
                #expect(actualEntries == expectedEntries, "\(list)")
                agreed.entries += 1
            case (.failure(let expectedError), .failure(let actualError)):
                #expect("\(actualError)" == "\(expectedError)", "\(list)")
                agreed.errors += 1
            default:
                Issue.record("\(expected) / \(actual) for \(list)")
            }
        }
        #expect(agreed.entries > 50 && agreed.errors > 50)
    }
}
