/// Escapes for markup languages. Text first goes through `TerminalText.escaped`, so controls,
/// invisible format characters and noncharacters arrive as visible `\x1b`, `\u{200b}`,
/// `\u{fffe}` escapes (and a backslash as `\\`, so an escape is never ambiguous).
enum Markup {
    /// Text safe in HTML or XML element content and attribute values: `&<>"'` as references,
    /// and nothing outside XML 1.0's `Char` production (`#x9 | #xA | #xD | [#x20-#xD7FF] |
    /// [#xE000-#xFFFD] | [#x10000-#x10FFFF]`), which also keeps HTML's parser free of errors.
    static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in TerminalText.escaped(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // `escaped` leaves none of these; kept out here too, whatever it comes to leave.
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default:
                if isXMLChar(scalar) { out.unicodeScalars.append(scalar) } else { out += TerminalText.escape(scalar) }
            }
        }
        return out
    }

    /// True when XML 1.0 allows `scalar` in a document.
    static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Text of trailproof's own making safe in Markdown prose or a table cell: punctuation that
    /// Markdown or HTML would act on is escaped. Not for names: see `markdownCode`.
    static func markdown(_ text: String) -> String {
        var out = ""
        for scalar in TerminalText.escaped(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "!", "|", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A verdict word (`signature-invalid`) as is; anything else a verdict field might hold (a
    /// merged report's counts are read from JSON) as a code span.
    static func markdownWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return plain ? text : markdownCode(text, inTable: true)
    }

    /// Attacker-chosen text (an object name, a location, a detail that quotes names) as a
    /// Markdown code span: shown exactly as `TerminalText.escaped` writes it, and inert. Nothing
    /// in a code span is emphasis, HTML, an entity, a link, or one of GitHub's autolinks
    /// (`https://…`, `www.…`, `user@host.example`), mentions or issue references. The fence is
    /// one backtick longer than the longest run inside; a space pads a span that starts or
    /// ends with a backtick or a space (CommonMark takes one off each side). In a table cell
    /// (`inTable`) each `|` is written `\|`, which GFM turns back into `|` before the span is read.
    /// Empty text is `-`.
    static func markdownCode(_ text: String, inTable: Bool) -> String {
        var body = TerminalText.escaped(text)
        guard !body.isEmpty else { return "-" }
        if inTable { body = body.replacingAll("|", with: "\\|") }
        var longest = 0, run = 0
        for scalar in body.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let edges = body.hasPrefix("`") || body.hasSuffix("`") || body.hasPrefix(" ") || body.hasSuffix(" ")
        let pad = edges && !body.allSatisfy({ $0 == " " }) ? " " : ""
        return fence + pad + body + pad + fence
    }
}
