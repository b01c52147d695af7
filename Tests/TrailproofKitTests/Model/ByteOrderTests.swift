import Testing
@testable import TrailproofKit

/// Byte-wise order of names (`bytesPrecede`, compared eight bytes at a time) against the plain
/// element-by-element order of their UTF-8 bytes, and the in-order check sorting relies on.
@Suite struct ByteOrderTests {
    @Test func bytesPrecedeOrdersAsTheUTF8BytesDo() {
        // Lengths on both sides of the eight-byte words, shared prefixes, proper prefixes, and
        // bytes above 0x7F (where a signed comparison would go wrong).
        var generator = SystemRandomNumberGenerator()
        let alphabet = ["a", "b", "z", "/", "0", "é", "€", "\u{7F}", "\u{80}", "~"]
        var names = ["", "a", "ab", "abcdefgh", "abcdefghi", "abcdefgg", "abcdefgh/", "AWSLogs/1/CloudTrail/é", "AWSLogs/1/CloudTrail/e"]
        for _ in 0..<400 {
            let prefix = ["", "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/"].randomElement(using: &generator)!
            names.append(prefix + (0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
        }
        for lhs in names {
            for rhs in names.prefix(60) {
                #expect(lhs.bytesPrecede(rhs) == Array(lhs.utf8).lexicographicallyPrecedes(Array(rhs.utf8)), "\(lhs) vs \(rhs)")
            }
        }
    }

    @Test func isInOrderIsTrueExactlyWhenSortingKeepsTheOrder() {
        #expect([Int]().isInOrder(by: <))
        #expect([1].isInOrder(by: <))
        #expect([1, 1, 2, 3, 3].isInOrder(by: <))
        #expect(![1, 3, 2].isInOrder(by: <))
        #expect(![2, 1].isInOrder(by: <))
    }

    @Test func aLocationsLogFilesAreOldestFirstWhateverTheListingOrder() {
        // The directory walk lists in no order, S3 in key order: the inventory's lists are the same.
        let prefix = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/23/111122223333_CloudTrail_us-east-1_20260323T"
        let keys = (0..<50).map { index in
            prefix + String(format2(index % 7)) + String(format2(index % 13 + 10)) + "Z_" + String(repeating: String(index % 10), count: 16) + ".json.gz"
        }
        let inOrder = TrailInventory(keys: keys.sorted { $0.bytesPrecede($1) })
        let shuffled = TrailInventory(keys: keys.shuffled())
        let sortedNames = inOrder.logFilesByLocation.values.first?.map(\.key) ?? []
        #expect(sortedNames.count == 50)
        #expect(sortedNames.elementsEqual(shuffled.logFilesByLocation.values.first?.map(\.key) ?? [], by: { $0.sameBytes(as: $1) }))
        #expect(sortedNames.elementsEqual(keys.sorted { $0.bytesPrecede($1) }, by: { $0.sameBytes(as: $1) }))
    }

    private func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
