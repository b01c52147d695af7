import Foundation

/// The report as newline-delimited JSON, for programs that stream: one object per line, each
/// `{"kind": …, "record": …}`: the header, the scope, every chain, digest, log file, gap, object
/// and notice, and the totals last.
public enum NDJSONReport {
    /// Renders `report`.
    public static func render(_ report: VerificationReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out: [UInt8] = []
        func line<Record: Encodable>(_ kind: String, _ record: Record) throws {
            out += Array(try encoder.encode(Line(kind: kind, record: record))) + [UInt8(ascii: "\n")]
        }
        try line("header", Header(schemaVersion: report.schemaVersion, tool: report.tool))
        try line("scope", report.scope)
        for chain in report.chains { try line("chain", chain) }
        for digest in report.digests { try line("digest", digest) }
        for logFile in report.logFiles { try line("logFile", logFile) }
        for gap in report.gaps { try line("gap", gap) }
        for object in report.objects { try line("object", object) }
        for notice in report.notices { try line("notice", notice) }
        try line("totals", report.totals)
        return out
    }

    private struct Line<Record: Encodable>: Encodable {
        let kind: String
        let record: Record
    }

    private struct Header: Encodable {
        let schemaVersion: Int
        let tool: VerificationReport.ToolInfo
    }
}
