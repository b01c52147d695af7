import TrailproofNative

/// The INI files of the AWS CLI: `~/.aws/credentials` (`[name]` sections) and `~/.aws/config`
/// (`[profile name]` sections, `[default]`).
struct AWSProfileFiles {
    /// Settings per profile name, keys lower-cased.
    private(set) var credentials: [String: [String: String]] = [:]
    private(set) var config: [String: [String: String]] = [:]

    init(credentialsPath: String?, configPath: String?) {
        if let credentialsPath, let text = AWSProfileFiles.read(credentialsPath) {
            credentials = AWSProfileFiles.parse(text, configStyle: false)
        }
        if let configPath, let text = AWSProfileFiles.read(configPath) {
            config = AWSProfileFiles.parse(text, configStyle: true)
        }
    }

    private static func read(_ path: String) -> String? {
        guard let bytes = try? LocalFile.readAll(path, limit: 4 << 20) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses INI text into sections; `configStyle` strips the `profile ` prefix of section names.
    static func parse(_ text: String, configStyle: Bool) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingWhitespaceSubstring
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingWhitespace
                if configStyle {
                    // As botocore reads the config file: `[profile NAME]`, `[default]` and
                    // `[sso-session NAME]`; any other section (`[dev]`) is no profile.
                    if name.hasPrefix("profile ") {
                        name = String(name.dropFirst("profile ".count)).trimmingWhitespace
                    } else if name != "default" && !name.hasPrefix("sso-session ") {
                        current = nil
                        continue
                    }
                }
                current = name
                continue
            }
            // Indented lines are sub-settings (e.g. s3 = …); trailproof needs none of them.
            if rawLine.first == " " || rawLine.first == "\t" { continue }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingWhitespace.lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingWhitespace
            sections[current, default: [:]][key] = value
        }
        return sections
    }
}

private extension Substring {
    var trimmingWhitespaceSubstring: String { String(self).trimmingWhitespace }
}
