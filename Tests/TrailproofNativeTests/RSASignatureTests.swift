import Testing
import TrailproofNative

@Suite struct RSASignatureTests {
    /// A signing string shaped like CloudTrail's.
    static let message = Array("""
        2026-01-08T05:21:42Z
        trailproof-example-bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/08/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20260108T052142Z.json.gz
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        null
        """.utf8)

    @Test func aSignatureMadeWithThePrivateKeyVerifiesWithThePublicKey() throws {
        let keys = try RSAKeys.shared.get()
        let signature = try keys.privateKey.signSHA256(Self.message)
        #expect(signature.count == 256)
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: Self.message))
        #expect(keys.publicKey.bits == 2048)
    }

    @Test func signingIsDeterministic() throws {
        // PKCS#1 v1.5 has no randomness: the same message gives the same signature.
        let keys = try RSAKeys.shared.get()
        #expect(try keys.privateKey.signSHA256(Self.message) == keys.privateKey.signSHA256(Self.message))
    }

    @Test(arguments: [0, 7, 100, 1000, Self.message.count * 8 - 1])
    func aFlippedMessageBitIsNotValid(_ bit: Int) throws {
        let keys = try RSAKeys.shared.get()
        let signature = try keys.privateKey.signSHA256(Self.message)
        var altered = Self.message
        altered[bit / 8] ^= 1 << UInt8(bit % 8)
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: altered) == false)
    }

    @Test(arguments: [0, 9, 1024, 2047])
    func aFlippedSignatureBitIsNotValid(_ bit: Int) throws {
        let keys = try RSAKeys.shared.get()
        var signature = try keys.privateKey.signSHA256(Self.message)
        signature[bit / 8] ^= 1 << UInt8(bit % 8)
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: Self.message) == false)
    }

    @Test func malformedSignaturesAreNotValidAndDoNotThrow() throws {
        let keys = try RSAKeys.shared.get()
        let good = try keys.privateKey.signSHA256(Self.message)
        var generator = SplitMix(seed: 3)
        let malformed: [(String, [UInt8])] = [
            ("empty", []),
            ("one byte", [0x01]),
            ("truncated by one byte", Array(good.dropLast())),
            ("truncated to half", Array(good.prefix(128))),
            ("one byte too long", good + [0x00]),
            ("leading zero added", [0x00] + good),
            ("all zeros", [UInt8](repeating: 0, count: 256)),
            ("all ones, above the modulus", [UInt8](repeating: 0xff, count: 256)),
            ("random bytes", (0..<256).map { _ in UInt8.random(in: .min ... .max, using: &generator) }),
            ("random long bytes", (0..<4096).map { _ in UInt8.random(in: .min ... .max, using: &generator) }),
            ("hex text instead of bytes", Array(Hex.encode(good).utf8)),
        ]
        for (name, signature) in malformed {
            #expect(try keys.publicKey.verifySHA256(signature: signature, message: Self.message) == false, "\(name)")
        }
        // A failed verification leaves nothing behind that breaks the next one.
        #expect(try keys.publicKey.verifySHA256(signature: good, message: Self.message))
    }

    @Test func anEmptyMessageCanBeSignedAndVerified() throws {
        let keys = try RSAKeys.shared.get()
        let signature = try keys.privateKey.signSHA256([])
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: []))
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: [0]) == false)
    }

    @Test func anotherKeysSignatureIsNotValid() throws {
        let keys = try RSAKeys.shared.get()
        let other = try RSAKeys.other.get()
        #expect(keys.publicDER != other.publicDER)
        let signature = try other.privateKey.signSHA256(Self.message)
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: Self.message) == false)
        #expect(try other.publicKey.verifySHA256(signature: signature, message: Self.message))
    }

    @Test func thePublicDERIsPKCS1AndItsMD5IsStable() throws {
        let keys = try RSAKeys.shared.get()
        // SEQUENCE (0x30 0x82 len) { INTEGER n, INTEGER e }: 270 bytes for RSA-2048 with e = 65537.
        #expect(keys.publicDER.count == 270)
        #expect(Array(keys.publicDER.prefix(4)) == [0x30, 0x82, 0x01, 0x0a])
        #expect(Array(keys.publicDER.suffix(5)) == [0x02, 0x03, 0x01, 0x00, 0x01])
        #expect(try MessageDigest.md5Hex(keys.publicDER) == MessageDigest.md5Hex(try keys.privateKey.publicKeyPKCS1DER()))
    }

    @Test func generatedKeySizeIsTheOneAskedFor() throws {
        let key = try RSAPrivateKey.generate(bits: 1024)
        #expect(try RSAPublicKey(pkcs1DER: try key.publicKeyPKCS1DER()).bits == 1024)
    }

    @Test func malformedPublicKeyDERThrows() throws {
        let der = try RSAKeys.shared.get().publicDER
        var generator = SplitMix(seed: 11)
        let malformed: [(String, [UInt8])] = [
            ("empty", []),
            ("one byte", [0x30]),
            ("random bytes", (0..<270).map { _ in UInt8.random(in: .min ... .max, using: &generator) }),
            ("truncated DER", Array(der.prefix(200))),
            ("header only", Array(der.prefix(4))),
            ("base64 text instead of DER", Array("MIIBCgKCAQEAlSS3cl92HDycr".utf8)),
            ("an INTEGER, not a SEQUENCE", [0x02, 0x01, 0x05]),
        ]
        for (name, bytes) in malformed {
            #expect(throws: NativeError.self, "\(name)") { try RSAPublicKey(pkcs1DER: bytes) }
        }
    }

    @Test func aSubjectPublicKeyInfoIsRefusedAsPKCS1() throws {
        // CloudTrail's Value is the bare PKCS#1 RSAPublicKey; the X.509 SubjectPublicKeyInfo
        // wrapper (what `openssl pkey -pubout` writes) is another encoding with another MD5.
        let keys = try RSAKeys.shared.get()
        let scratch = try TemporaryDirectory("spki")
        defer { scratch.remove() }
        let keyPath = try scratch.write(Array(try keys.privateKey.pem().utf8), to: "key.pem")
        let spki = try ExternalTool.run("openssl", ["pkey", "-in", keyPath, "-pubout", "-outform", "DER"])
        #expect(spki.status == 0, "\(spki.stderr)")
        #expect(spki.stdoutBytes.count == 294)
        #expect(throws: NativeError.self) { try RSAPublicKey(pkcs1DER: spki.stdoutBytes) }
    }

    @Test func thePrivateKeyPEMRoundTrips() throws {
        let keys = try RSAKeys.shared.get()
        let pem = try keys.privateKey.pem()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
        let reloaded = try RSAPrivateKey(pem: pem)
        #expect(try reloaded.publicKeyPKCS1DER() == keys.publicDER)
        #expect(try reloaded.pem() == pem)
        let signature = try reloaded.signSHA256(Self.message)
        #expect(try keys.publicKey.verifySHA256(signature: signature, message: Self.message))
    }

    @Test(arguments: ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])
    func malformedPEMThrows(_ pem: String) {
        #expect(throws: NativeError.self) { try RSAPrivateKey(pem: pem) }
    }

    @Test func aPEMHoldingOnlyAPublicKeyIsNotAPrivateKey() throws {
        let pem = "-----BEGIN RSA PUBLIC KEY-----\n\(PublicKeyFingerprintTests.awsValue)\n-----END RSA PUBLIC KEY-----\n"
        #expect(throws: NativeError.self) { try RSAPrivateKey(pem: pem) }
    }

    @Test func verificationIsSafeFromManyThreadsAtOnce() async throws {
        let keys = try RSAKeys.shared.get()
        let signature = try keys.privateKey.signSHA256(Self.message)
        var wrong = signature
        wrong[100] ^= 0x10
        let bad = wrong
        let results = try await withThrowingTaskGroup(of: (Bool, Bool).self) { group in
            for _ in 0..<16 {
                group.addTask {
                    (try keys.publicKey.verifySHA256(signature: signature, message: Self.message),
                     try keys.publicKey.verifySHA256(signature: bad, message: Self.message))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0.0 && !$0.1 })
    }
}
