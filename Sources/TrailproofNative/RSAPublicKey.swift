internal import CTrailproof

/// An RSA public key that verifies SHA256withRSA (PKCS#1 v1.5) signatures.
public final class RSAPublicKey: @unchecked Sendable {
    // EVP_PKEY is immutable after parsing and OpenSSL allows concurrent verification with it.
    private let key: OpaquePointer

    /// Parses the DER encoding of a PKCS#1 `RSAPublicKey` (SEQUENCE { n, e }), the form
    /// CloudTrail's ListPublicKeys returns (base64-decoded).
    public init(pkcs1DER der: [UInt8]) throws {
        guard !der.isEmpty else { throw NativeError(.openssl, "parse RSA public key", detail: "empty key") }
        var consumed = 0
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let key = d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, buffer.count)
            consumed = cursor.map { $0 - base } ?? 0
            return key
        }
        guard let parsed else {
            throw NativeError(.openssl, "parse RSA public key", detail: drainOpenSSLErrors())
        }
        guard consumed == der.count else {
            EVP_PKEY_free(parsed)
            throw NativeError(.openssl, "parse RSA public key", detail: "\(der.count - consumed) bytes after the key")
        }
        self.key = parsed
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
