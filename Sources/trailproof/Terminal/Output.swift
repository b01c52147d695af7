import ArgumentParser
import Foundation
import TrailproofKit

/// Where results and diagnostics go: results on stdout, `trailproof:` lines on stderr.
enum Output {
    /// Problems to stderr; the summary (or JSON report) to stdout unless `summaryToStandardOutput` is false.
    static func write(_ report: VerificationReport, format: ReportOutput.Format, verbose: Bool,
                      summaryToStandardOutput: Bool = true) throws {
        let text = TextReport(report, verbose: verbose && format == .text)
        writeStandardError(text.problems)
        guard summaryToStandardOutput else { return }
        switch format {
        case .json: FileHandle.standardOutput.write(Data(try JSONReport.encode(report)))
        case .ndjson: FileHandle.standardOutput.write(Data(try NDJSONReport.render(report)))
        case .text: FileHandle.standardOutput.write(Data((text.summary.joined(separator: "\n") + "\n").utf8))
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
        } catch {
            Output.error("\(error)")
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
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
