import FoundationEssentials

/// The report as newline-delimited JSON, for programs that stream: one object per line, each
/// `{"kind": …, "record": …}`: the header, the scope, every chain, digest, log file, gap, object
/// and notice, the verdict (`Verdict`), and the totals last.
public enum NDJSONReport {
    /// Renders `report`.
    public static func render(_ report: VerificationReport) throws -> [UInt8] {
        try header(report) + records(report) + trailer(report)
    }

    /// The first lines: the header and the scope.
    public static func header(_ report: VerificationReport) throws -> [UInt8] {
        var out = Lines()
        try out.line("header", Header(schemaVersion: report.schemaVersion, tool: report.tool))
        try out.line("scope", report.scope)
        return out.bytes
    }

    /// The record lines: every chain, digest, log file, gap and object of `report` (or of one
    /// part of a run, streamed as it is found).
    public static func records(_ report: VerificationReport) throws -> [UInt8] {
        var out = Lines()
        for chain in report.chains { try out.line("chain", chain) }
        for digest in report.digests { try out.line("digest", digest) }
        for logFile in report.logFiles { try out.line("logFile", logFile) }
        for gap in report.gaps { try out.line("gap", gap) }
        for object in report.objects { try out.line("object", object) }
        return out.bytes
    }

    /// The last lines: every notice, the verdict, and the totals.
    public static func trailer(_ report: VerificationReport) throws -> [UInt8] {
        var out = Lines()
        for notice in report.noticeTexts { try out.line("notice", notice) }
        try out.line("verdict", Verdict(report))
        try out.line("totals", report.totals)
        return out.bytes
    }

    private struct Lines {
        let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return encoder
        }()
        var bytes: [UInt8] = []

        mutating func line<Record: Encodable>(_ kind: String, _ record: Record) throws {
            bytes += Array(try encoder.encode(Line(kind: kind, record: record)))
            bytes.append(UInt8(ascii: "\n"))
        }
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
