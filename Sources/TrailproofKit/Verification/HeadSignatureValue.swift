import TrailproofNative

/// A head signature as the caller gave it, checked for what any CloudTrail
/// digest signature is before it is tried against a chain: hex, and as long as an RSA signature
/// (the size of the key's modulus: 1024 to 8192 bits; CloudTrail's keys are 2048-bit, 512 hex
/// digits). A value that is not (`deadbeef`, a truncated copy) is a usage error, never a finding.
public enum HeadSignatureValue {
    /// Byte lengths an RSA signature can have with the key sizes accepted.
    public static let plausibleBytes = 128...1024

    /// Why `text` cannot be a digest signature, or nil when it can; the value is named as `names` name it.
    public static func refusal(_ text: String, names: InputNames = .plain) -> String? {
        let shown = String(reflecting: String(text.prefix(24))) + (text.count > 24 ? "…" : "")
        guard let bytes = Hex.decode(text), !bytes.isEmpty else {
            return "\(names.headSignature) \(shown) is not hex: give the x-amz-meta-signature value of the chain's newest digest"
        }
        guard plausibleBytes.contains(bytes.count), bytes.count % 8 == 0 else {
            return "\(names.headSignature) \(shown) is \(bytes.count) bytes, not an RSA signature (CloudTrail's are 256 bytes, 512 hex digits): give the whole x-amz-meta-signature value of the chain's newest digest"
        }
        return nil
    }
}
