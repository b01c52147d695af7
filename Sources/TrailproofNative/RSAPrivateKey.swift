internal import CTrailproof

/// An RSA private key that signs SHA256withRSA; used by the trail generator to play CloudTrail.
public final class RSAPrivateKey: @unchecked Sendable {
    // Signing creates its own context per call; the EVP_PKEY itself is not mutated.
    private let key: OpaquePointer

    private init(owning key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// Generates a new key of `bits` bits with public exponent 65537.
    public static func generate(bits: Int = 2048) throws -> RSAPrivateKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw NativeError(.openssl, "allocate key generation context", detail: drainOpenSSLErrors())
        }
        defer { EVP_PKEY_CTX_free(context) }
        try checkOpenSSL(EVP_PKEY_keygen_init(context), "initialise RSA key generation")
        try checkOpenSSL(EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)), "set RSA key size")
        var generated: OpaquePointer?
        try checkOpenSSL(EVP_PKEY_generate(context, &generated), "generate RSA key")
        guard let generated else { throw NativeError(.openssl, "generate RSA key") }
        return RSAPrivateKey(owning: generated)
    }

    /// Reads a PEM-encoded private key (PKCS#1 or PKCS#8).
    public convenience init(pem: String) throws {
        let bytes = Array(pem.utf8)
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let parsed else { throw NativeError(.openssl, "parse PEM private key", detail: drainOpenSSLErrors()) }
        self.init(owning: parsed)
    }

    /// The key as PKCS#8 PEM text.
    public func pem() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw NativeError(.openssl, "allocate BIO") }
        defer { BIO_free(bio) }
        try checkOpenSSL(PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil), "write PEM private key")
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { throw NativeError(.openssl, "read PEM private key") }
        return UnsafeRawBufferPointer(start: pointer, count: length).withMemoryRebound(to: UInt8.self) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The public half as DER PKCS#1 RSAPublicKey, the form ListPublicKeys returns.
    public func publicKeyPKCS1DER() throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PublicKey(key, &out)
        guard length > 0, let out else { throw NativeError(.openssl, "encode RSA public key", detail: drainOpenSSLErrors()) }
        defer { CRYPTO_free(out, #file, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// Signs `message` with SHA256withRSA (PKCS#1 v1.5).
    public func signSHA256(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw NativeError(.openssl, "allocate sign context") }
        defer { EVP_MD_CTX_free(context) }
        try checkOpenSSL(EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key), "initialise RSA signing")
        var length = 0
        try message.withUnsafeBufferPointer { msg in
            try checkOpenSSL(EVP_DigestSign(context, nil, &length, msg.baseAddress, msg.count), "size RSA signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        try message.withUnsafeBufferPointer { msg in
            try checkOpenSSL(EVP_DigestSign(context, &signature, &length, msg.baseAddress, msg.count), "RSA sign")
        }
        return Array(signature.prefix(length))
    }
}
