import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

/// Where results and diagnostics go: results on stdout, `trailproof:` lines on stderr.
enum Output {
    /// Problems to stderr; the summary (or JSON report) to stdout unless `summaryToStandardOutput`
    /// is false. `streamed`: a `PartPrinter` already printed the findings (and the NDJSON records).
    /// `json`: the JSON report's bytes when they are encoded already.
    static func write(_ report: VerificationReport, format: ReportOutput.Format, verbose: Bool,
                      summaryToStandardOutput: Bool = true, streamed: Bool = false, json: [UInt8]? = nil) throws {
        let text = TextReport(report, verbose: verbose && format == .text)
        writeStandardError(streamed ? text.notes : text.problems)
        guard summaryToStandardOutput else { return }
        switch format {
        // Written from the bytes as they are (no second copy of a large report).
        case .json: try (json ?? JSONReport.encode(report)).withUnsafeBytes { try LocalFile.write($0, to: 1) }
        case .ndjson:
            let bytes = streamed ? try NDJSONReport.trailer(report) : try NDJSONReport.render(report)
            try bytes.withUnsafeBytes { try LocalFile.write($0, to: 1) }
        case .text: try StandardStream.output.write(text.summary.joined(separator: "\n") + "\n")
        }
    }

    /// Runs a command's work: exit statuses and usage errors pass through; any other error is
    /// printed as `trailproof: error: …` and becomes exit status 2.
    static func mappingOperationalErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch let usage as ValidationError {
            throw usage
        } catch let rule as RunPlanError {
            throw rule.usageError
        } catch {
            Output.error(LibraryErrorWording.text(of: error))
            throw ExitCode(2)
        }
    }

    static func error(_ message: String) {
        // Errors can quote object keys and server messages: escape them.
        writeStandardError(["trailproof: error: " + TerminalText.escaped(message)])
    }

    /// Writes `lines` to stderr as they are: callers pass lines already made safe for a terminal
    /// (`TextReport` lines, or text through `TerminalText.escaped`).
    static func writeStandardError(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        StandardStream.error.writeIfPossible(lines.joined(separator: "\n") + "\n")
    }
}
