/// A `JSONValue` written back with `JSONEncoder`, for JSON that is passed through (the entries of
/// a ListPublicKeys response). A number is written as the integer its text is, else as the
/// double it reads as (a number too large for a double makes the encoder throw).
extension JSONValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let text):
            if let integer = Int64(text) { try container.encode(integer) } else { try container.encode(Double(text) ?? .nan) }
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }
}
