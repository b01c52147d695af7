import TrailproofNative

/// Freshly generated RSA-2048 key pairs shared by the tests of one run (generation is slow).
struct RSAKeys: Sendable {
    let privateKey: RSAPrivateKey
    let publicKey: RSAPublicKey
    let publicDER: [UInt8]

    init() throws {
        privateKey = try RSAPrivateKey.generate(bits: 2048)
        publicDER = try privateKey.publicKeyPKCS1DER()
        publicKey = try RSAPublicKey(pkcs1DER: publicDER)
    }

    /// One pair for the whole run.
    static let shared = Result { try RSAKeys() }
    /// A second, unrelated pair.
    static let other = Result { try RSAKeys() }
}
