import TrailproofNative

/// One CloudTrail public key, as ListPublicKeys returns it.
public struct CloudTrailPublicKey: Sendable {
    /// Lower-case hex MD5 of the DER bytes.
    public let fingerprint: String
    /// When CloudTrail signed with this key; nil ends are open.
    public let validityStart: UTCTime?
    /// See `validityStart`.
    public let validityEnd: UTCTime?
    /// The DER bytes as given: PKCS#1 RSAPublicKey or SubjectPublicKeyInfo (the fingerprint is their MD5).
    public let der: [UInt8]
    /// The parsed key.
    public let rsa: RSAPublicKey

    /// Parses a key in either DER form and checks that `fingerprint` is the MD5 of its bytes as given.
    /// - Throws: `KeyFileError.Reason` describing the defect.
    public init(der: [UInt8], fingerprint: String, validityStart: UTCTime?, validityEnd: UTCTime?) throws {
        let actual = try MessageDigest.md5Hex(der)
        guard actual == fingerprint.lowercased() else {
            throw KeyFileError.Reason.fingerprintMismatch(stated: fingerprint, actual: actual)
        }
        do {
            rsa = try RSAPublicKey(der: der)
        } catch {
            throw KeyFileError.Reason.notAnRSAKey(fingerprint: fingerprint)
        }
        guard rsa.bits >= CloudTrailPublicKey.minimumBits else {
            throw KeyFileError.Reason.weakKey(fingerprint: actual, bits: rsa.bits)
        }
        self.fingerprint = actual
        self.validityStart = validityStart
        self.validityEnd = validityEnd
        self.der = der
    }

    /// Shortest RSA modulus accepted: CloudTrail's keys are 2048-bit.
    public static let minimumBits = 2048

    private init(copying key: CloudTrailPublicKey, start: UTCTime?, end: UTCTime?) {
        fingerprint = key.fingerprint
        validityStart = start
        validityEnd = end
        der = key.der
        rsa = key.rsa
    }

    /// The same key with another validity window.
    func withValidity(start: UTCTime?, end: UTCTime?) -> CloudTrailPublicKey {
        CloudTrailPublicKey(copying: self, start: start, end: end)
    }

    /// How long after a digest's end time CloudTrail may still sign it: the key in use at
    /// delivery can be one whose validity starts after the end time (a rotation in between).
    public static let deliveryAllowance: Int64 = 2 * 3600

    /// True when this key may have signed a digest ending at `digestEnd`: its validity window
    /// overlaps [digestEnd, digestEnd + 2 h], the time in which the digest is delivered.
    public func maySign(digestEndingAt digestEnd: UTCTime) -> Bool {
        if let validityEnd, validityEnd < digestEnd { return false }
        if let validityStart, validityStart > digestEnd.adding(seconds: CloudTrailPublicKey.deliveryAllowance) { return false }
        return true
    }
}
