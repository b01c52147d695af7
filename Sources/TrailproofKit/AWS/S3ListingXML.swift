/// A strict reader for the small XML documents S3 answers a listing with.
///
/// It accepts well-formed XML 1.0 in UTF-8 (an optional byte order mark and XML declaration,
/// comments, processing instructions, CDATA sections) and nothing else: no document type
/// declaration, no entity but the five XML predefines, no character a document may not hold,
/// no tag left open or closed out of turn, nothing after the root element. Character data is
/// kept as exact bytes: references decoded, line ends normalised as XML 1.0 §2.11 says. The
/// whole answer is read into a tree (a page is at most 1,000 entries); nesting is bounded so
/// that no answer can exhaust the stack or the reader's patience.
enum S3ListingXML {
    /// The deepest nesting read (a ListObjectsV2 result nests three deep).
    static let maximumDepth = 32

    /// One element: its name, its child elements in order, and its character data.
    struct Element {
        /// The element's name as written (its prefix, if any, included).
        var name: [UInt8]
        /// The child elements, in document order.
        var children: [Element] = []
        /// The character data (references decoded) of an element without child elements;
        /// empty for an element that has them (only white space may stand between them).
        var text: [UInt8] = []

        /// True when the element is named `name` (compared as bytes).
        func isNamed(_ name: String) -> Bool { self.name.elementsEqual(name.utf8) }

        /// The name, for messages.
        var displayName: String { TerminalText.escaped(String(decoding: name, as: UTF8.self)) }
    }

    /// The root element of `bytes`.
    /// - Throws: `S3ListingXMLError` naming the byte offset and what is wrong there.
    static func parse(_ bytes: [UInt8]) throws -> Element {
        var reader = Reader(bytes: bytes)
        return try reader.document()
    }
}

/// Why a listing answer is not well-formed XML.
struct S3ListingXMLError: Error, Sendable, CustomStringConvertible {
    /// The byte offset where the problem was found.
    let offset: Int
    /// What is wrong.
    let reason: String

    var description: String { "byte \(offset): \(reason)" }
}

private extension UInt8 {
    static let lessThan = UInt8(ascii: "<"), greaterThan = UInt8(ascii: ">"), ampersand = UInt8(ascii: "&")
    static let slash = UInt8(ascii: "/"), question = UInt8(ascii: "?"), equals = UInt8(ascii: "=")
    static let semicolon = UInt8(ascii: ";"), hash = UInt8(ascii: "#"), quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
    static let carriageReturn = UInt8(ascii: "\r"), lineFeed = UInt8(ascii: "\n")

    /// XML's white space: space, tab, carriage return, line feed.
    var isXMLSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A }

    /// A byte that may begin a name (any byte of a multi-byte UTF-8 character is let through).
    var isNameStart: Bool {
        (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || self == UInt8(ascii: "_") || self == UInt8(ascii: ":") || self >= 0x80
    }

    /// A byte that may continue a name.
    var isNameByte: Bool {
        isNameStart || (0x30...0x39).contains(self) || self == UInt8(ascii: "-") || self == UInt8(ascii: ".")
    }
}

/// The reader's position in the document and the rules it reads by.
private struct Reader {
    let bytes: [UInt8]
    var at = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func failure(_ reason: String, at offset: Int? = nil) -> S3ListingXMLError {
        S3ListingXMLError(offset: offset ?? at, reason: reason)
    }

    func starts(with literal: String) -> Bool {
        var index = at
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    mutating func expect(_ literal: String, _ what: String) throws {
        guard starts(with: literal) else { throw failure("expected \(what)") }
        at += literal.utf8.count
    }

    mutating func skipSpace() -> Bool {
        let start = at
        while at < bytes.count, bytes[at].isXMLSpace { at += 1 }
        return at > start
    }

    // MARK: Document

    mutating func document() throws -> S3ListingXML.Element {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { at = 3 }
        try checkCharacters()
        if starts(with: "<?xml"), at + 5 < bytes.count, bytes[at + 5].isXMLSpace || bytes[at + 5] == .question {
            try declaration()
        }
        try miscellany()
        guard at < bytes.count else { throw failure(at == 0 ? "the answer is empty" : "no root element") }
        guard bytes[at] == .lessThan else { throw failure("text before the root element") }
        if starts(with: "<!DOCTYPE") { throw failure("a document type declaration (no S3 answer has one)") }
        guard !starts(with: "<!"), !starts(with: "</") else { throw failure("expected the root element's start tag") }
        let root = try element()
        try miscellany()
        guard at == bytes.count else { throw failure("content after the root element") }
        return root
    }

    /// The whole document is UTF-8 and holds only characters XML 1.0 allows (§2.2): no control
    /// character but tab, line feed and carriage return, and neither U+FFFE nor U+FFFF.
    func checkCharacters() throws {
        let body = bytes[at...]
        guard String(validating: body, as: UTF8.self) != nil else {
            throw failure("the answer is not UTF-8", at: firstInvalidUTF8(body))
        }
        var index = at
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 && !byte.isXMLSpace {
                throw failure("control character U+\(String(byte, radix: 16, uppercase: true).leftPaddedHex) in the answer", at: index)
            }
            if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF {
                throw failure("the noncharacter U+FFF\(bytes[index + 2] == 0xBE ? "E" : "F") in the answer", at: index)
            }
            index += 1
        }
    }

    func firstInvalidUTF8(_ body: ArraySlice<UInt8>) -> Int {
        var low = body.startIndex, high = body.endIndex
        // The longest valid prefix, found by halving (a prefix cut inside a character is invalid too).
        while low < high {
            let middle = (low + high + 1) / 2
            if String(validating: body[body.startIndex..<middle], as: UTF8.self) != nil { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// `<?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"]?>`.
    mutating func declaration() throws {
        let start = at
        at += 5
        // version, then optionally encoding, then optionally standalone: in that order, each once.
        let order = ["version", "encoding", "standalone"]
        var lastRank = -1
        while true {
            let spaced = skipSpace()
            if starts(with: "?>") { at += 2; break }
            guard spaced else { throw failure("expected white space or ?> in the XML declaration") }
            let nameStart = at
            while at < bytes.count, bytes[at].isNameByte { at += 1 }
            let name = String(decoding: bytes[nameStart..<at], as: UTF8.self)
            _ = skipSpace()
            try expect("=", "= after \(TerminalText.escaped(name)) in the XML declaration")
            _ = skipSpace()
            let value = String(decoding: try quotedLiteral(), as: UTF8.self)
            guard let rank = order.firstIndex(where: { $0.utf8.elementsEqual(name.utf8) }), rank > lastRank, lastRank >= 0 || rank == 0 else {
                throw failure("the XML declaration has \(TerminalText.escaped(name)) out of place", at: nameStart)
            }
            lastRank = rank
            switch rank {
            case 0:
                guard value.utf8.elementsEqual("1.0".utf8) else { throw failure("XML version \(TerminalText.escaped(value)), not 1.0", at: nameStart) }
            case 1:
                guard value.asciiLowercased().utf8.elementsEqual("utf-8".utf8) else {
                    throw failure("the answer declares the encoding \(TerminalText.escaped(value)), not UTF-8", at: nameStart)
                }
            default:
                guard value.utf8.elementsEqual("yes".utf8) || value.utf8.elementsEqual("no".utf8) else {
                    throw failure("standalone must be yes or no", at: nameStart)
                }
            }
        }
        guard lastRank >= 0 else { throw failure("the XML declaration has no version", at: start) }
    }

    /// White space, comments and processing instructions (outside the root element).
    mutating func miscellany() throws {
        while true {
            _ = skipSpace()
            if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else {
                return
            }
        }
    }

    // MARK: Markup

    mutating func comment() throws {
        let start = at
        at += 4
        while at < bytes.count {
            if starts(with: "--") {
                guard starts(with: "-->") else { throw failure("-- inside a comment") }
                at += 3
                return
            }
            at += 1
        }
        throw failure("a comment that never ends", at: start)
    }

    mutating func processingInstruction() throws {
        let start = at
        at += 2
        let target = try name()
        if target.count == 3, String(decoding: target, as: UTF8.self).asciiLowercased().utf8.elementsEqual("xml".utf8) {
            throw failure("an XML declaration that is not at the start of the answer", at: start)
        }
        while at < bytes.count {
            if starts(with: "?>") { at += 2; return }
            at += 1
        }
        throw failure("a processing instruction that never ends", at: start)
    }

    mutating func name() throws -> [UInt8] {
        let start = at
        guard at < bytes.count, bytes[at].isNameStart else { throw failure("expected a name") }
        while at < bytes.count, bytes[at].isNameByte { at += 1 }
        return Array(bytes[start..<at])
    }

    /// `"…"` or `'…'`: the bytes between (without references, as in the XML declaration).
    mutating func quotedLiteral() throws -> ArraySlice<UInt8> {
        guard at < bytes.count, bytes[at] == .quote || bytes[at] == .apostrophe else { throw failure("expected a quoted value") }
        let quote = bytes[at]
        let start = at + 1
        guard let end = bytes[start...].firstIndex(of: quote) else { throw failure("a quoted value that never ends") }
        at = end + 1
        return bytes[start..<end]
    }

    /// A start tag (at `<`): the element it opens and whether it is empty (`<a/>`). Attributes
    /// are checked (quoted, references valid, none twice, no `<`) and dropped: none is used.
    mutating func startTag() throws -> (element: S3ListingXML.Element, isEmpty: Bool) {
        at += 1
        let element = S3ListingXML.Element(name: try name())
        var attributes: [[UInt8]] = []
        while true {
            let spaced = skipSpace()
            guard at < bytes.count else { throw failure("the answer ends inside the start tag <\(element.displayName)>") }
            if bytes[at] == .greaterThan { at += 1; return (element, false) }
            if starts(with: "/>") { at += 2; return (element, true) }
            guard spaced else { throw failure("expected white space, > or /> in the start tag <\(element.displayName)>") }
            let attributeStart = at
            let attribute = try name()
            guard !attributes.contains(where: { $0.elementsEqual(attribute) }) else {
                throw failure("the attribute \(TerminalText.escaped(String(decoding: attribute, as: UTF8.self))) given twice", at: attributeStart)
            }
            attributes.append(attribute)
            _ = skipSpace()
            try expect("=", "= after an attribute name")
            _ = skipSpace()
            guard at < bytes.count, bytes[at] == .quote || bytes[at] == .apostrophe else { throw failure("expected a quoted attribute value") }
            let quote = bytes[at]
            at += 1
            var discarded: [UInt8] = []
            while true {
                guard at < bytes.count else { throw failure("an attribute value that never ends", at: attributeStart) }
                let byte = bytes[at]
                if byte == quote { at += 1; break }
                if byte == .lessThan { throw failure("< inside an attribute value") }
                if byte == .ampersand { try reference(into: &discarded) } else { at += 1 }
            }
        }
    }

    /// The element whose start tag is at `at`, with everything inside it. Iterative, with an
    /// explicit stack, so that depth costs no native stack.
    mutating func element() throws -> S3ListingXML.Element {
        let (first, isEmpty) = try startTag()
        if isEmpty { return first }
        var open = [first]
        // The open element is read through `open[top]`, never copied out: a copy would make
        // every append to its children copy them all.
        while !open.isEmpty {
            let top = open.count - 1
            guard at < bytes.count else { throw failure("the answer ends inside <\(open[top].displayName)>: unclosed tag") }
            guard bytes[at] == .lessThan else {
                try characterData(into: &open[top].text)
                continue
            }
            if starts(with: "</") {
                let tagStart = at
                at += 2
                let closing = try name()
                _ = skipSpace()
                try expect(">", "> to end the end tag")
                guard closing.elementsEqual(open[top].name) else {
                    throw failure("</\(TerminalText.escaped(String(decoding: closing, as: UTF8.self)))> closes <\(open[top].displayName)>: "
                        + "mismatched tags", at: tagStart)
                }
                var finished = open.removeLast()
                if !finished.children.isEmpty {
                    guard finished.text.allSatisfy(\.isXMLSpace) else {
                        throw failure("text beside the child elements of <\(finished.displayName)>", at: tagStart)
                    }
                    finished.text = []
                }
                guard !open.isEmpty else { return finished }
                open[top - 1].children.append(finished)
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<![CDATA[") {
                try cdata(into: &open[top].text)
            } else if starts(with: "<?") {
                try processingInstruction()
            } else if starts(with: "<!") {
                throw failure("a declaration inside <\(open[top].displayName)>")
            } else {
                let tagStart = at
                guard open[top].text.allSatisfy(\.isXMLSpace) else {
                    throw failure("text beside the child elements of <\(open[top].displayName)>", at: tagStart)
                }
                // White space between child elements is no content: dropped as it is read.
                open[top].text.removeAll(keepingCapacity: true)
                let (child, childIsEmpty) = try startTag()
                if childIsEmpty {
                    open[top].children.append(child)
                } else {
                    guard open.count < S3ListingXML.maximumDepth else {
                        throw failure("elements nested deeper than \(S3ListingXML.maximumDepth) levels", at: tagStart)
                    }
                    open.append(child)
                }
            }
        }
        throw failure("no element")
    }

    // MARK: Character data

    /// Text up to the next `<`, references decoded, line ends normalised.
    mutating func characterData(into text: inout [UInt8]) throws {
        while at < bytes.count {
            let byte = bytes[at]
            switch byte {
            case .lessThan:
                return
            case .ampersand:
                try reference(into: &text)
            case .carriageReturn:
                // §2.11: CR LF and a lone CR are each read as LF.
                text.append(.lineFeed)
                at += 1
                if at < bytes.count, bytes[at] == .lineFeed { at += 1 }
            case .greaterThan:
                if at >= 2, bytes[at - 1] == UInt8(ascii: "]"), bytes[at - 2] == UInt8(ascii: "]") {
                    throw failure("]]> in text")
                }
                text.append(byte)
                at += 1
            default:
                text.append(byte)
                at += 1
            }
        }
    }

    /// `<![CDATA[…]]>`: its bytes as they are (line ends normalised).
    mutating func cdata(into text: inout [UInt8]) throws {
        let start = at
        at += 9
        while at < bytes.count {
            if starts(with: "]]>") { at += 3; return }
            if bytes[at] == .carriageReturn {
                text.append(.lineFeed)
                at += 1
                if at < bytes.count, bytes[at] == .lineFeed { at += 1 }
                continue
            }
            text.append(bytes[at])
            at += 1
        }
        throw failure("a CDATA section that never ends", at: start)
    }

    /// One reference at `&`: `&amp;` `&lt;` `&gt;` `&quot;` `&apos;`, `&#NN;` or `&#xHH;` for a
    /// character XML 1.0 allows. Anything else is an error: there is no DTD to define more.
    mutating func reference(into text: inout [UInt8]) throws {
        let start = at
        at += 1
        guard let end = bytes[at...].prefix(16).firstIndex(of: .semicolon) else {
            throw failure("& that begins no reference (a bare & must be written &amp;)", at: start)
        }
        let body = bytes[at..<end]
        at = end + 1
        if body.first == .hash {
            let hex = body.dropFirst().first == UInt8(ascii: "x")
            let digits = body.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, digits.count <= 8 else { throw failure("a malformed character reference", at: start) }
            var value: UInt32 = 0
            for digit in digits {
                guard let digitValue = Reader.digitValue(digit, hex: hex) else { throw failure("a malformed character reference", at: start) }
                value = value * (hex ? 16 : 10) + digitValue
            }
            guard Reader.isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw failure("a character reference to U+\(String(value, radix: 16, uppercase: true).leftPaddedHex), "
                    + "which XML 1.0 cannot hold", at: start)
            }
            text.append(contentsOf: Array(String(Character(scalar)).utf8))
            return
        }
        let entities: [(name: String, byte: UInt8)] = [("amp", .ampersand), ("lt", .lessThan), ("gt", .greaterThan),
                                                       ("quot", .quote), ("apos", .apostrophe)]
        guard let entity = entities.first(where: { $0.name.utf8.elementsEqual(body) }) else {
            throw failure("the undefined entity &\(TerminalText.escaped(String(decoding: body, as: UTF8.self)));", at: start)
        }
        text.append(entity.byte)
    }

    static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// XML 1.0's `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
            || (0x10000...0x10FFFF).contains(value)
    }
}

private extension String {
    /// At least four hex digits, as U+ notation writes them.
    var leftPaddedHex: String { count >= 4 ? self : String(repeating: "0", count: 4 - count) + self }
}
