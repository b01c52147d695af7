/// Finding and replacing text as its exact UTF-8 bytes, for parsing XML answers and redacting
/// secrets: no Unicode equivalence (another spelling of the same characters is another text) and
/// no grapheme boundaries (a match may begin before a combining mark).
extension StringProtocol {
    /// Where `target` first occurs at or after `start` (the beginning when nil), or nil; an empty
    /// `target` is never found.
    func range(ofLiteral target: String, from start: Index? = nil) -> Range<Index>? {
        let needle = Array(target.utf8)
        guard let first = needle.first else { return nil }
        let bytes = utf8
        let from = start ?? bytes.startIndex
        let skipped = bytes.distance(from: bytes.startIndex, to: from)
        let found: Int?? = bytes.withContiguousStorageIfAvailable { buffer -> Int? in
            guard buffer.count - skipped >= needle.count else { return nil }
            var index = skipped
            let last = buffer.count - needle.count
            while index <= last {
                if buffer[index] == first && needle.indices.allSatisfy({ buffer[index + $0] == needle[$0] }) { return index }
                index += 1
            }
            return nil
        }
        let offset: Int?
        if let found { offset = found } else { offset = Array(bytes).utf8Offset(of: needle, from: skipped) }
        guard let offset else { return nil }
        let lower = bytes.index(bytes.startIndex, offsetBy: offset)
        return lower..<bytes.index(lower, offsetBy: needle.count)
    }

    /// This text with every occurrence of `target` (found left to right, not overlapping) replaced
    /// by `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        var out = ""
        var rest = startIndex
        while let range = range(ofLiteral: target, from: rest) {
            out += self[rest..<range.lowerBound]
            out += replacement
            rest = range.upperBound
        }
        out += self[rest...]
        return out
    }
}

private extension Array where Element == UInt8 {
    /// The offset of the first `needle` at or after `start` (for text that is not contiguous UTF-8).
    func utf8Offset(of needle: [UInt8], from start: Int) -> Int? {
        guard count - start >= needle.count else { return nil }
        return (start...(count - needle.count)).first { index in needle.indices.allSatisfy { self[index + $0] == needle[$0] } }
    }
}
