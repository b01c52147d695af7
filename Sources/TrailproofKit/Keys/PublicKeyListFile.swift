import FoundationEssentials

/// The JSON that `aws cloudtrail list-public-keys` prints, `{"PublicKeyList": [...]}`, as
/// trailproof writes it: pretty-printed, members sorted.
struct PublicKeyListFile<Entry: Encodable>: Encodable {
    var publicKeyList: [Entry]

    enum CodingKeys: String, CodingKey {
        case publicKeyList = "PublicKeyList"
    }

    /// The file's bytes.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self))
    }
}

/// One key's validity window in a list-public-keys file (times as ISO 8601 text).
struct PublicKeyListEntry: Encodable {
    var fingerprint: String
    /// The key's DER, base64.
    var value: String
    var validityStartTime: String?
    var validityEndTime: String?

    enum CodingKeys: String, CodingKey {
        case fingerprint = "Fingerprint", value = "Value"
        case validityStartTime = "ValidityStartTime", validityEndTime = "ValidityEndTime"
    }
}
