/// The string CloudTrail signs for a digest (UTF-8, fields joined by `\n`, no trailing newline):
/// `digestEndTime`, `digestS3Bucket/digestS3Object`, hex SHA-256 of the uncompressed digest,
/// previousDigestSignature (`null` for a chain's first digest).
public enum SigningString {
    /// Builds the signed bytes for `digest` whose uncompressed bytes hash to `digestSHA256Hex`.
    public static func bytes(for digest: Digest, digestSHA256Hex: String) -> [UInt8] {
        let previous = digest.previous?.signature ?? "null"
        let text = [digest.endTimeText, "\(digest.bucket)/\(digest.object)", digestSHA256Hex, previous].joined(separator: "\n")
        return Array(text.utf8)
    }
}
