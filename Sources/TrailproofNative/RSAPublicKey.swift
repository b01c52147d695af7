internal import CTrailproof

/// An RSA public key that verifies SHA256withRSA (PKCS#1 v1.5) signatures.
public final class RSAPublicKey: @unchecked Sendable {
    // EVP_PKEY is immutable after parsing and OpenSSL allows concurrent verification with it.
    private let key: OpaquePointer

    /// The DER forms of an RSA public key.
    public enum Encoding: Sendable, Equatable {
        /// PKCS#1 `RSAPublicKey` (SEQUENCE { n, e }): what ListPublicKeys returns today.
        case pkcs1
        /// X.509 `SubjectPublicKeyInfo` wrapping an RSA key: also seen in real AWS material.
        case subjectPublicKeyInfo
    }

    /// How the key was encoded.
    public let encoding: Encoding

    /// Parses the DER encoding of a PKCS#1 `RSAPublicKey` (SEQUENCE { n, e }), the form
    /// CloudTrail's ListPublicKeys returns (base64-decoded).
    public convenience init(pkcs1DER der: [UInt8]) throws {
        guard let parsed = try RSAPublicKey.parse(der, as: .pkcs1) else {
            throw NativeError(.openssl, "parse RSA public key", detail: drainOpenSSLErrors())
        }
        self.init(taking: parsed, encoding: .pkcs1)
    }

    /// Parses an RSA public key in either DER form (PKCS#1 `RSAPublicKey` or
    /// `SubjectPublicKeyInfo`); every byte must belong to the key, and a SubjectPublicKeyInfo
    /// must hold an RSA key.
    public convenience init(der: [UInt8]) throws {
        if let parsed = try RSAPublicKey.parse(der, as: .pkcs1) {
            self.init(taking: parsed, encoding: .pkcs1)
        } else if let parsed = try RSAPublicKey.parse(der, as: .subjectPublicKeyInfo) {
            _ = drainOpenSSLErrors() // what the PKCS#1 attempt left behind
            guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
                EVP_PKEY_free(parsed)
                throw NativeError(.openssl, "parse RSA public key", detail: "the SubjectPublicKeyInfo holds a key that is not RSA")
            }
            self.init(taking: parsed, encoding: .subjectPublicKeyInfo)
        } else {
            throw NativeError(.openssl, "parse RSA public key", detail: "neither PKCS#1 RSAPublicKey nor SubjectPublicKeyInfo DER: " + drainOpenSSLErrors())
        }
    }

    private init(taking key: OpaquePointer, encoding: Encoding) {
        self.key = key
        self.encoding = encoding
    }

    /// The parsed key, or nil when `der` is not wholly a key of that form.
    private static func parse(_ der: [UInt8], as encoding: Encoding) throws -> OpaquePointer? {
        guard !der.isEmpty else { throw NativeError(.openssl, "parse RSA public key", detail: "empty key") }
        var consumed = 0
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let key: OpaquePointer?
            switch encoding {
            case .pkcs1: key = d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, buffer.count)
            case .subjectPublicKeyInfo: key = d2i_PUBKEY(nil, &cursor, buffer.count)
            }
            consumed = cursor.map { $0 - base } ?? 0
            return key
        }
        guard let parsed else { return nil }
        guard consumed == der.count else {
            EVP_PKEY_free(parsed)
            if encoding == .pkcs1 { return nil }
            throw NativeError(.openssl, "parse RSA public key", detail: "\(der.count - consumed) bytes after the key")
        }
        return parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// The key's modulus size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(key)) }

    /// True when `signature` is a valid SHA256withRSA signature of `message`.
    /// A malformed signature is simply not valid; only an internal OpenSSL failure throws.
    public func verifySHA256(signature: [UInt8], message: [UInt8]) throws -> Bool {
        guard let context = EVP_MD_CTX_new() else {
            throw NativeError(.openssl, "allocate verify context", detail: drainOpenSSLErrors())
        }
        defer { EVP_MD_CTX_free(context) }
        try checkOpenSSL(EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key), "initialise RSA verification")
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        // 1 = valid, 0 = invalid, negative = malformed signature or other error: never valid.
        _ = drainOpenSSLErrors()
        return result == 1
    }
}
