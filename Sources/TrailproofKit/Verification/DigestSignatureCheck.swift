import TrailproofNative

/// Checks one digest's signature, given where the signature came from.
enum DigestSignatureCheck {
    static let algorithm = "SHA256withRSA"

    /// Verifies `signatureHex` over `digest`; returns nil when valid, else the problem.
    /// Backfill digests are signed when they are generated, possibly long after their end time,
    /// so for them only the fingerprint must match (`isBackfill`).
    static func problem(digest: Digest, uncompressedSHA256: String, signatureHex: String, source: SignatureSource,
                        keys: PublicKeyRing, isBackfill: Bool = false) -> DigestRecord.Problem? {
        guard let signature = Hex.decode(signatureHex), !signature.isEmpty else {
            return .init(kind: .signatureInvalid, detail: "the signature from \(source.rawValue) is not hex")
        }
        let key: CloudTrailPublicKey
        switch keys.lookup(fingerprint: digest.publicKeyFingerprint, digestEnd: isBackfill ? nil : digest.endTime) {
        case .found(let found):
            key = found
        case .unknownFingerprint:
            return .init(kind: .publicKeyNotFound,
                         detail: "no public key with fingerprint \(digest.publicKeyFingerprint) among the \(keys.count) keys given")
        case .notValidThen(let other):
            let window = "\(other.validityStart?.iso8601 ?? "-") to \(other.validityEnd?.iso8601 ?? "-")"
            return .init(kind: .publicKeyNotFound,
                         detail: "public key \(digest.publicKeyFingerprint) is valid \(window), not when a digest ending \(digest.endTime.iso8601) was signed")
        }
        let message = SigningString.bytes(for: digest, digestSHA256Hex: uncompressedSHA256)
        let verified = (try? key.rsa.verifySHA256(signature: signature, message: message)) ?? false
        guard verified else {
            return .init(kind: .signatureInvalid,
                         detail: "SHA256withRSA signature (from \(source.rawValue)) does not verify with public key \(key.fingerprint): the digest or its signature was modified")
        }
        return nil
    }

    /// True when `signatureHex` verifies `digest` (used to match --head-signature values).
    static func verifies(digest: Digest, uncompressedSHA256: String, signatureHex: String, keys: PublicKeyRing) -> Bool {
        problem(digest: digest, uncompressedSHA256: uncompressedSHA256, signatureHex: signatureHex, source: .headSignature, keys: keys) == nil
    }
}
