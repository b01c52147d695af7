import TrailproofKit

extension ReportRequest {
    /// The prefix of a path that is appended to (`markdown=+FILE`).
    static let appendMarker: Character = "+"

    /// Parses `--report FORMAT=PATH` (or `markdown=+FILE`); nil when it is not one.
    init?(_ text: String) {
        guard let equals = text.firstIndex(of: "="), let format = Format(rawValue: String(text[..<equals])) else { return nil }
        var path = String(text[text.index(after: equals)...])
        var appends = false
        if path.first == Self.appendMarker {
            // Only Markdown stays well-formed when appended to, and only a local file can be.
            guard format == .markdown else { return nil }
            path.removeFirst()
            guard !path.isEmpty, !path.utf8.elementsEqual("-".utf8), !path.hasPrefix("s3://") else { return nil }
            appends = true
        }
        guard !path.isEmpty else { return nil }
        if path == "-" {
            self.init(format: format, destination: .standardOutput)
        } else if path.hasPrefix("s3://") {
            // An object key, not a folder: s3://BUCKET/KEY with KEY not ending in "/".
            guard !path.hasSuffix("/"), let location = S3Store.parse(url: path), !location.prefix.isEmpty else { return nil }
            self.init(format: format, destination: .s3(bucket: location.bucket, key: String(location.prefix.dropLast())))
        } else {
            self.init(format: format, destination: .file(path), appends: appends)
        }
    }
}
