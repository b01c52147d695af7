/// `--match PATH=GLOB` filters on record fields, like the attributes of `aws cloudtrail
/// lookup-events`: different paths must all match (AND); the same path given several times
/// matches if any of its patterns does (OR).
public struct RecordFilter: Sendable, Equatable {
    /// Patterns by dotted path, in the order given.
    public private(set) var patterns: [(path: [String], globs: [String])] = []

    /// No filter: every record passes.
    public init() {}

    /// True when no pattern was given.
    public var isEmpty: Bool { patterns.isEmpty }

    /// Adds `PATH=GLOB` (e.g. `userIdentity.arn=*:role/admin*`); false when it is not of that form.
    @discardableResult
    public mutating func add(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "=") else { return false }
        let path = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else { return false }
        let glob = String(text[text.index(after: equals)...])
        if let index = patterns.firstIndex(where: { $0.path == path }) {
            patterns[index].globs.append(glob)
        } else {
            patterns.append((path, [glob]))
        }
        return true
    }

    /// True when `record` passes every path. A field that is absent, or an object or array,
    /// matches no pattern.
    public func matches(_ record: JSONValue) -> Bool {
        patterns.allSatisfy { pattern in
            guard let text = RecordFilter.scalarText(at: pattern.path, in: record) else { return false }
            return pattern.globs.contains { RecordFilter.glob($0, matches: text) }
        }
    }

    /// The member names the filter reads at the top of a record.
    public var topLevelNames: Set<String> { Set(patterns.compactMap(\.path.first)) }

    static func scalarText(at path: [String], in value: JSONValue) -> String? {
        var current = value
        for name in path {
            guard let next = current.objectValue?[ObjectKey(name)] else { return nil }
            current = next
        }
        switch current {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array, .object: return nil
        }
    }

    /// Shell-style glob over Unicode scalars: `*` any run, `?` one, anything else itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) && p[pi] != "*" {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    public static func == (lhs: RecordFilter, rhs: RecordFilter) -> Bool {
        lhs.patterns.map { $0.path + ["="] + $0.globs } == rhs.patterns.map { $0.path + ["="] + $0.globs }
    }
}
