import Testing
import TrailproofNative

/// RSA and digests cross-checked against the `openssl` command line tool: independent code
/// reading the same bytes.
@Suite struct OpenSSLInteropTests {
    static let message = Array("2026-01-08T05:21:42Z\nbucket/AWSLogs/key.json.gz\nabc123\nnull".utf8)

    @Test func aSignatureFromOpenSSLDgstVerifiesWithRSAPublicKey() throws {
        let keys = try RSAKeys.shared.get()
        let scratch = try TemporaryDirectory("openssl-sign")
        defer { scratch.remove() }
        let keyPath = try scratch.write(Array(try keys.privateKey.pem().utf8), to: "key.pem")
        let messagePath = try scratch.write(Self.message, to: "message")
        let run = try ExternalTool.run("openssl", ["dgst", "-sha256", "-sign", keyPath, messagePath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutBytes.count == 256)
        #expect(try keys.publicKey.verifySHA256(signature: run.stdoutBytes, message: Self.message))
        // Deterministic padding: byte for byte what signSHA256 makes.
        #expect(run.stdoutBytes == (try keys.privateKey.signSHA256(Self.message)))
        #expect(try keys.publicKey.verifySHA256(signature: run.stdoutBytes, message: Self.message + [0x0a]) == false)
    }

    @Test func aSignatureFromRSAPrivateKeyVerifiesWithOpenSSLDgst() throws {
        let keys = try RSAKeys.shared.get()
        let scratch = try TemporaryDirectory("openssl-verify")
        defer { scratch.remove() }
        let keyPath = try scratch.write(Array(try keys.privateKey.pem().utf8), to: "key.pem")
        let publicPath = scratch.file("public.pem")
        let export = try ExternalTool.run("openssl", ["pkey", "-in", keyPath, "-pubout", "-out", publicPath])
        #expect(export.status == 0, "\(export.stderr)")
        let messagePath = try scratch.write(Self.message, to: "message")
        let signaturePath = try scratch.write(try keys.privateKey.signSHA256(Self.message), to: "signature")

        let good = try ExternalTool.run("openssl", ["dgst", "-sha256", "-verify", publicPath, "-signature", signaturePath, messagePath])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("Verified OK"))

        let alteredPath = try scratch.write(Self.message + [0x0a], to: "altered")
        let bad = try ExternalTool.run("openssl", ["dgst", "-sha256", "-verify", publicPath, "-signature", signaturePath, alteredPath])
        #expect(bad.status != 0)
        #expect(bad.stdout.lowercased().contains("verification failure"))
    }

    @Test func thePKCS1PublicDEREqualsWhatOpenSSLExports() throws {
        let keys = try RSAKeys.shared.get()
        let scratch = try TemporaryDirectory("openssl-der")
        defer { scratch.remove() }
        let keyPath = try scratch.write(Array(try keys.privateKey.pem().utf8), to: "key.pem")
        let run = try ExternalTool.run("openssl", ["rsa", "-in", keyPath, "-RSAPublicKey_out", "-outform", "DER"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutBytes == keys.publicDER)
        // The fingerprint rule, computed by openssl over the same DER.
        let md5 = try ExternalTool.run("openssl", ["dgst", "-md5", "-r"], stdin: run.stdoutBytes)
        #expect(md5.stdout.hasPrefix(try MessageDigest.md5Hex(keys.publicDER) + " "))
    }

    @Test(arguments: [false, true])
    func aKeyGeneratedByOpenSSLLoadsAndSigns(traditional: Bool) throws {
        let scratch = try TemporaryDirectory("openssl-genpkey")
        defer { scratch.remove() }
        let keyPath = scratch.file("key.pem")
        let generate = try ExternalTool.run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath])
        #expect(generate.status == 0, "\(generate.stderr)")
        if traditional {
            // PKCS#1 "BEGIN RSA PRIVATE KEY", as older tools write.
            let convert = try ExternalTool.run("openssl", ["rsa", "-in", keyPath, "-traditional", "-out", scratch.file("traditional.pem")])
            #expect(convert.status == 0, "\(convert.stderr)")
        }
        let pem = String(decoding: try scratch.read(traditional ? "traditional.pem" : "key.pem"), as: UTF8.self)
        #expect(pem.hasPrefix(traditional ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN PRIVATE KEY-----"))
        let privateKey = try RSAPrivateKey(pem: pem)

        let der = try ExternalTool.run("openssl", ["rsa", "-in", keyPath, "-RSAPublicKey_out", "-outform", "DER"])
        #expect(der.status == 0, "\(der.stderr)")
        #expect(try privateKey.publicKeyPKCS1DER() == der.stdoutBytes)
        let publicKey = try RSAPublicKey(pkcs1DER: der.stdoutBytes)
        #expect(try publicKey.verifySHA256(signature: try privateKey.signSHA256(Self.message), message: Self.message))
    }

    @Test func sha256AndMD5AgreeWithOpenSSLDgstOnBinaryData() throws {
        var generator = SplitMix(seed: 5)
        let data = (0..<300_001).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let sha = try ExternalTool.run("openssl", ["dgst", "-sha256", "-r"], stdin: data)
        let md5 = try ExternalTool.run("openssl", ["dgst", "-md5", "-r"], stdin: data)
        #expect(sha.stdout.hasPrefix(try MessageDigest.sha256Hex(data) + " "))
        #expect(md5.stdout.hasPrefix(try MessageDigest.md5Hex(data) + " "))
    }
}
