import Foundation
import TrailproofKit

/// The real CloudTrail records shipped as a resource (Resources/cloudtrail-records.jsonl): their
/// exact JSON text, to be placed in generated log files.
enum RealRecords {
    /// Every record's JSON text, one per line of the resource; empty if it cannot be read.
    static let all: [String] = {
        guard let url = Bundle.module.url(forResource: "cloudtrail-records", withExtension: "jsonl"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }()

    /// `record` with its eventTime, eventID, awsRegion and recipientAccountId set (added when
    /// absent), every other byte as it was.
    static func adapt(_ record: String, time: UTCTime, eventID: String, accountID: String, region: String) -> [UInt8] {
        var text = record
        for (name, value) in [("eventTime", time.iso8601), ("eventID", eventID), ("awsRegion", region), ("recipientAccountId", accountID)] {
            text = setting(name, to: value, in: text)
        }
        return Array(text.utf8)
    }

    /// Replaces the top-level string member `name` (compact JSON, as in the resource), or adds it last.
    static func setting(_ name: String, to value: String, in text: String) -> String {
        let marker = "\"\(name)\":\""
        if let start = text.range(of: marker), let end = text[start.upperBound...].firstIndex(of: "\"") {
            return text.replacingCharacters(in: start.upperBound..<end, with: value)
        }
        guard text.hasSuffix("}") else { return text }
        return String(text.dropLast()) + (text == "{}" ? "" : ",") + marker + value + "\"}"
    }
}
