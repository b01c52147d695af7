import FoundationEssentials
import TrailproofNative

/// One report to write: a format and where it goes (the command line's `--report FORMAT=PATH`).
public struct ReportRequest: Sendable, Equatable {
    /// The report formats.
    public enum Format: String, Sendable, CaseIterable {
        case json, ndjson, html, junit, markdown

        /// The MIME type written with an S3 object.
        var contentType: String {
            switch self {
            case .json: return "application/json"
            case .ndjson: return "application/x-ndjson"
            case .html: return "text/html; charset=utf-8"
            case .junit: return "application/xml"
            case .markdown: return "text/markdown; charset=utf-8"
            }
        }
    }

    /// Where a report goes.
    public enum Destination: Sendable, Equatable {
        /// `-`.
        case standardOutput
        /// A file path.
        case file(String)
        /// `s3://BUCKET/KEY`.
        case s3(bucket: String, key: String)
    }

    /// The format.
    public var format: Format
    /// The destination.
    public var destination: Destination
    /// True for `markdown=+FILE`: the report is appended to FILE rather than replacing it, as
    /// GitHub's `$GITHUB_STEP_SUMMARY` is written to (by each step of a job in turn).
    public var appends = false

    /// A request to write `format` to `destination` (appended to a local Markdown file when
    /// `appends`). The command line parses its `--report FORMAT=PATH` into one.
    public init(format: Format, destination: Destination, appends: Bool = false) {
        self.format = format
        self.destination = destination
        self.appends = appends
    }

    /// The path as given, for people.
    public var pathText: String {
        switch destination {
        case .standardOutput: return "-"
        case .file(let path): return appends ? "+" + path : path
        case .s3(let bucket, let key): return "s3://\(bucket)/\(key)"
        }
    }
}

/// Renders one run's reports in every requested format, all from the same report, and writes them.
public struct ReportSet: Sendable {
    /// The report.
    public let report: VerificationReport
    /// The exact bytes of its JSON report, and their SHA-256 (named in the human reports).
    public let json: [UInt8]
    /// See `json`.
    public let jsonSHA256: String

    /// Prepares the reports of `report`.
    public init(_ report: VerificationReport) throws {
        self.report = report
        json = try JSONReport.encode(report)
        jsonSHA256 = try MessageDigest.sha256Hex(json)
    }

    /// The bytes of `format` for this run.
    public func render(_ format: ReportRequest.Format, run: RunRecord) throws -> [UInt8] {
        switch format {
        case .json: return json
        case .ndjson: return try NDJSONReport.render(report)
        case .html: return HTMLReport.render(report, run: run)
        case .junit: return JUnitReport.render(report, run: run)
        case .markdown: return MarkdownReport.render(report)
        }
    }

    /// Writes every request; `standardOutput` receives what goes to `-`, `s3` writes S3 objects.
    public func write(_ requests: [ReportRequest], run: RunRecord, standardOutput: ([UInt8]) throws -> Void,
                      s3: (() throws -> S3Client)?) throws {
        for request in requests {
            let bytes = try render(request.format, run: run)
            switch request.destination {
            case .standardOutput: try standardOutput(bytes)
            case .file(let path) where request.appends:
                // The report's own blank line before it, so it starts a block after what is there.
                let descriptor = try LocalFile.openForAppending(path, truncatingTo: nil)
                defer { LocalFile.close(descriptor) }
                try ([UInt8(ascii: "\n")] + bytes).withUnsafeBytes { try LocalFile.write($0, to: descriptor) }
            case .file(let path): try LocalFile.write(bytes, to: path)
            case .s3(let bucket, let key):
                guard let s3 else { throw StoreError.storeUnusable("cannot write \(request.pathText): no S3 client") }
                try s3().putObject(bucket: bucket, key: key, body: bytes, contentType: request.format.contentType)
            }
        }
    }
}
