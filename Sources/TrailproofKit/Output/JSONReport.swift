import Foundation

/// The machine-readable report: `VerificationReport` as stable, pretty-printed JSON with sorted keys.
public enum JSONReport {
    /// Encodes `report` (a `VerificationReport` or a `QueryResultsReport`); absent optional
    /// fields mean "not applicable".
    public static func encode<Report: Encodable>(_ report: Report) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A verification report's log files, often most of it, are written by a faster writer
        // of the same bytes, into the place the encoder leaves for them.
        if var verification = report as? VerificationReport, !verification.logFiles.isEmpty {
            let logFiles = verification.logFiles
            verification.logFiles = []
            let rest = Array(try encoder.encode(verification))
            if let range = rest.firstRange(of: LogFilesJSON.emptyMember), rest[range.upperBound...].firstRange(of: LogFilesJSON.emptyMember) == nil {
                var out: [UInt8] = []
                out += rest[..<range.lowerBound]
                LogFilesJSON.render(logFiles, into: &out)
                out += rest[range.upperBound...]
                out.append(UInt8(ascii: "\n"))
                return out
            }
        }
        return Array(try encoder.encode(report)) + [UInt8(ascii: "\n")]
    }

    /// Decodes a report written by `encode`.
    public static func decode(_ bytes: [UInt8]) throws -> VerificationReport {
        try JSONDecoder().decode(VerificationReport.self, from: Data(bytes))
    }
}
