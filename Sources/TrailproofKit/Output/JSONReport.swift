import Foundation

/// The machine-readable report: `VerificationReport` as stable, pretty-printed JSON with sorted keys.
public enum JSONReport {
    /// Encodes `report` (a `VerificationReport` or a `QueryResultsReport`); absent optional
    /// fields mean "not applicable".
    public static func encode<Report: Encodable>(_ report: Report) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(report)) + [UInt8(ascii: "\n")]
    }

    /// Decodes a report written by `encode`.
    public static func decode(_ bytes: [UInt8]) throws -> VerificationReport {
        try JSONDecoder().decode(VerificationReport.self, from: Data(bytes))
    }
}
