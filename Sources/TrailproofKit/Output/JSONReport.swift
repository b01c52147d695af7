import FoundationEssentials

/// The machine-readable report: `VerificationReport` as stable, pretty-printed JSON with sorted keys.
public enum JSONReport {
    /// Encodes `report` (a `VerificationReport` or a `QueryResultsReport`); absent optional
    /// fields mean "not applicable".
    public static func encode<Report: Encodable>(_ report: Report) throws -> [UInt8] {
        if let verification = report as? VerificationReport { return try encode(verification) }
        return Array(try encoder.encode(report)) + [UInt8(ascii: "\n")]
    }

    /// A verification report, written once, in order, by a `JSONWriter`: the bytes
    /// `JSONEncoder` (`.prettyPrinted, .sortedKeys, .withoutEscapingSlashes`) gives, which
    /// docs/json-report.md describes. Its log files and digests, most of a report, are written
    /// record by record (the encoder's working copy of a whole report is several times its size,
    /// and the encoder most of a large run's serial time); the other members, small, are each
    /// encoded as a value by `JSONEncoder` and moved in to their place.
    static func encode(_ report: VerificationReport) throws -> [UInt8] {
        var json = JSONWriter(.pretty)
        json.reserve(4096 + report.logFiles.count * 560 + report.digests.count * 720)
        json.beginObject()
        // The members in the encoder's (sorted) order.
        try encodedMember("chains", report.chains, into: &json)
        json.key("digests")
        write(report.digests, into: &json)
        try encodedMember("gaps", report.gaps, into: &json)
        json.key("logFiles")
        write(report.logFiles, into: &json)
        try encodedMember("notices", report.noticeTexts, into: &json)
        try encodedMember("objects", report.objects, into: &json)
        json.member("schemaVersion", report.schemaVersion)
        try encodedMember("scope", report.scope, into: &json)
        if let shard = report.shard { try encodedMember("shard", shard, into: &json) }
        try encodedMember("tool", report.tool, into: &json)
        try encodedMember("totals", report.totals, into: &json)
        // Computed afresh from the findings whenever a report is written (a decoded or merged
        // report's own is not trusted).
        try encodedMember("verdict", Verdict(report), into: &json)
        json.endObject()
        var bytes = json.takeBytes()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Decodes a report written by `encode`.
    public static func decode(_ bytes: [UInt8]) throws -> VerificationReport {
        try JSONDecoder().decode(VerificationReport.self, from: Data(bytes))
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `"name" : value`, the value as the encoder writes it.
    private static func encodedMember(_ name: String, _ value: some Encodable, into json: inout JSONWriter) throws {
        json.key(name)
        json.encoded(try encoder.encode(value))
    }

    /// The `logFiles` array: each record's members in sorted order, absent optionals left out.
    static func write(_ records: [LogFileRecord], into json: inout JSONWriter) {
        json.beginArray()
        for record in records {
            json.beginObject()
            json.member("actualSHA256", record.actualSHA256)
            json.member("bucket", record.bucket)
            json.member("detail", record.detail)
            json.member("digest", record.digest)
            json.member("expectedSHA256", record.expectedSHA256)
            json.member("key", record.key)
            json.member("time", record.time?.iso8601)
            json.member("uncompressedBytes", record.uncompressedBytes)
            json.member("verdict", record.verdict.rawValue)
            json.endObject()
        }
        json.endArray()
    }

    /// The `digests` array, as `write(_:[LogFileRecord])`.
    static func write(_ records: [DigestRecord], into json: inout JSONWriter) {
        json.beginArray()
        for record in records {
            json.beginObject()
            json.member("bucket", record.bucket)
            json.member("chain", record.chain)
            json.member("expectedKey", record.expectedKey)
            json.member("hours", record.hours)
            json.member("inferred", record.inferred)
            json.member("key", record.key)
            json.member("logFileCount", record.logFileCount)
            json.member("namedKey", record.namedKey)
            json.key("problems")
            json.beginArray()
            for problem in record.problems {
                json.beginObject()
                json.member("detail", problem.detail)
                json.member("kind", problem.kind.rawValue)
                json.endObject()
            }
            json.endArray()
            json.member("publicKeyFingerprint", record.publicKeyFingerprint)
            json.member("referencedBy", record.referencedBy)
            json.member("signatureSource", record.signatureSource?.rawValue)
            if let span = record.span {
                json.key("span")
                json.beginObject()
                json.member("end", span.end.iso8601)
                json.member("start", span.start.iso8601)
                json.endObject()
            }
            json.member("verdict", record.verdict.rawValue)
            json.endObject()
        }
        json.endArray()
    }
}
