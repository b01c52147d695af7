import Testing
import TrailproofNative

@Suite struct HexTests {
    @Test func encodesLowerCaseTwoDigitsPerByte() {
        #expect(Hex.encode([0x00, 0x01, 0x0f, 0x10, 0xab, 0xf0, 0xff]) == "00010f10abf0ff")
        #expect(Hex.encode([UInt8]()) == "")
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("deadBEEF") == [0xde, 0xad, 0xbe, 0xef])
        #expect(Hex.decode("00ff") == [0x00, 0xff])
        #expect(Hex.decode("") == [])
    }

    @Test func everyByteValueRoundTrips() {
        let all = (0...255).map { UInt8($0) }
        let text = Hex.encode(all)
        #expect(text.count == 512)
        #expect(Hex.decode(text) == all)
        #expect(Hex.decode(text.uppercased()) == all)
    }

    @Test(arguments: ["a", "abc", "0g", "g0", "zz", " 00", "00 ", "0x00", "-1", "00\n", "é1", "ab\u{0}0", "１２"])
    func invalidHexDecodesToNil(_ text: String) {
        #expect(Hex.decode(text) == nil, "\(text.debugDescription)")
    }
}
