/// Makes attacker-chosen text (object keys, trail names, details) safe to print as one line.
public enum TerminalText {
    /// `text` with every character a reader cannot see for what it is written as a visible
    /// escape (`\n`, `\x1b`, `\u{202e}`) and backslashes doubled: controls (C0, DEL, C1), line and
    /// paragraph separators, invisible format characters (zero-width spaces and joiners, bidi
    /// marks, embeddings, overrides and isolates, word joiners, the byte order mark, tag
    /// characters) and noncharacters (U+FDD0–U+FDEF, U+FFFE and U+FFFF of every plane). So no key
    /// can start a new line, move the cursor, recolour, reorder or hide what a terminal shows, or
    /// carry a character that XML or HTML refuse.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result += escape(scalar)
            }
        }
        return result
    }

    /// `\xhh` below U+0100, `\u{h…}` above: how `escaped` writes a character it hides.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return scalar.value < 0x100 ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
    }

    /// True for the characters `escaped` writes as escapes.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x00...0x1F, 0x5C, 0x7F...0x9F: return true
        case 0x20...0x7E: return false
        case 0xFDD0...0xFDEF: return true
        default: break
        }
        if value & 0xFFFE == 0xFFFE { return true }
        switch scalar.properties.generalCategory {
        // Format characters are invisible by design (U+200B–U+200F, U+202A–U+202E,
        // U+2060–U+2064, U+2066–U+2069, U+FEFF, U+061C, tags); separators end a line.
        case .format, .lineSeparator, .paragraphSeparator, .control: return true
        default: break
        }
        // Listed as well, whatever the Unicode tables of the running Swift say of them.
        switch value {
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF, 0xE0000...0xE007F: return true
        default: return false
        }
    }
}
