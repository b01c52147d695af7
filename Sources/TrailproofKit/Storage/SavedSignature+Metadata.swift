import Foundation

extension SavedSignature {
    /// Reads a `<key>.metadata.json` sidecar: either what `aws s3api head-object` prints (a
    /// "Metadata" map) or a bare map; keys `signature` / `x-amz-meta-signature`, any case.
    /// Returns nil when the JSON holds no signature.
    public init?(metadataJSON bytes: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        var map = object
        for (name, value) in object where name.lowercased() == "metadata" {
            if let inner = value as? [String: Any] { map = inner }
        }
        func value(_ name: String) -> String? {
            for (key, value) in map {
                let lower = key.lowercased()
                if lower == name || lower == "x-amz-meta-" + name { return value as? String }
            }
            return nil
        }
        guard let signature = value("signature") else { return nil }
        self.init(signatureHex: signature.trimmingWhitespace, algorithm: value("signature-algorithm"), source: .metadataFile)
    }
}
