import Foundation

/// The machine-readable report: `VerificationReport` as stable, pretty-printed JSON with sorted keys.
public enum JSONReport {
    /// Encodes `report` (a `VerificationReport` or a `QueryResultsReport`); absent optional
    /// fields mean "not applicable".
    public static func encode<Report: Encodable>(_ report: Report) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A verification report's log files and digests, most of it, are written apart, into
        // the places the encoder leaves for them: the log files by a faster writer of the same
        // bytes, the digests a slice at a time (the encoder's working copy of a whole report is
        // several times its size).
        if var verification = report as? VerificationReport {
            verification.verdict = Verdict(verification)
            let logFiles = verification.logFiles, digests = verification.digests
            verification.logFiles = []
            verification.digests = []
            let rest = Array(try encoder.encode(verification))
            if let logRange = onlyRange(of: LogFilesJSON.emptyMember, in: rest), let digestRange = onlyRange(of: emptyDigests, in: rest),
               digestRange.upperBound <= logRange.lowerBound {
                var out: [UInt8] = []
                out += rest[..<digestRange.lowerBound]
                try renderDigests(digests, encoder: encoder, into: &out)
                out += rest[digestRange.upperBound..<logRange.lowerBound]
                LogFilesJSON.render(logFiles, into: &out)
                out += rest[logRange.upperBound...]
                out.append(UInt8(ascii: "\n"))
                return out
            }
        }
        return Array(try encoder.encode(report)) + [UInt8(ascii: "\n")]
    }

    /// What the encoder writes for an empty `digests` at the top level of the report.
    static let emptyDigests = Array("\n  \"digests\" : [\n\n  ]".utf8)

    /// Records per slice of `renderDigests`.
    static let digestSlice = 256

    /// The range of the one occurrence of `member` in `bytes`; nil when there is none or more.
    private static func onlyRange(of member: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard let range = bytes.firstRange(of: member), bytes[range.upperBound...].firstRange(of: member) == nil else { return nil }
        return range
    }

    /// `"digests" : [ … ]` two spaces in, as the encoder writes it: each slice encoded as an
    /// array of its own, moved two spaces in (a newline is never inside a JSON string; an empty
    /// line stays empty), without its brackets.
    static func renderDigests(_ digests: [DigestRecord], encoder: JSONEncoder, into out: inout [UInt8]) throws {
        guard !digests.isEmpty else { out += emptyDigests; return }
        out += Array("\n  \"digests\" : [\n".utf8)
        var start = 0
        while start < digests.count {
            let slice = Array(try encoder.encode(Array(digests[start..<min(digests.count, start + digestSlice)])))
            // "[\n" … "\n]": the records between, moved in.
            if start > 0 { out += Array(",\n".utf8) }
            out += Array("  ".utf8)
            var index = 2
            while index < slice.count - 2 {
                let byte = slice[index]
                out.append(byte)
                if byte == UInt8(ascii: "\n") && slice[index + 1] != UInt8(ascii: "\n") { out += [UInt8(ascii: " "), UInt8(ascii: " ")] }
                index += 1
            }
            start += digestSlice
        }
        out += Array("\n  ]".utf8)
    }

    /// Decodes a report written by `encode`.
    public static func decode(_ bytes: [UInt8]) throws -> VerificationReport {
        try JSONDecoder().decode(VerificationReport.self, from: Data(bytes))
    }
}
