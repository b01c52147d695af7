/// Counts and sizes in words, as every human-facing line writes them: `1 log file`,
/// `2 log files`, `512 bytes`, `3.4 MB`.
public enum CountText {
    /// `count` and `noun`, the noun plural unless the count is 1: `1 log file`, `0 log files`.
    /// `plural` is for nouns that do not just add an `s`.
    public static func of(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }

    /// A size in decimal units, never rounded down to nothing: `0 bytes`, `1 byte`, `900 bytes`,
    /// `1.5 KB`, `12 MB`, `3.2 GB`.
    public static func bytes(_ count: Int64) -> String {
        if count < 1000 { return of(Int(count), "byte") }
        let units = ["KB", "MB", "GB", "TB", "PB"]
        var value = Double(count) / 1000
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let rounded = value < 10 ? (value * 10).rounded(.down) / 10 : value.rounded(.down)
        let text = rounded == rounded.rounded(.down) ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[unit])"
    }
}
