import Foundation
import Testing
import TrailproofNative

/// CloudTrail's public key rule on a real key published in the AWS CLI documentation of
/// `list-public-keys`: Value is base64 DER PKCS#1 RSAPublicKey, Fingerprint is hex MD5 of the DER.
@Suite struct PublicKeyFingerprintTests {
    static let awsValue = "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB"
    static let awsFingerprint = "7f3f401420072e50a65a141430817ab3"

    static func awsDER() throws -> [UInt8] {
        Array(try #require(Data(base64Encoded: awsValue)))
    }

    @Test func theFingerprintOfTheRealAWSKeyIsTheMD5OfItsDER() throws {
        let der = try Self.awsDER()
        #expect(der.count == 270)
        #expect(try MessageDigest.md5Hex(der) == Self.awsFingerprint)
    }

    @Test func theFingerprintIsNotTheMD5OfTheBase64Text() throws {
        // Guards against hashing the wrong bytes: the text form gives another value.
        #expect(try MessageDigest.md5Hex(Array(Self.awsValue.utf8)) != Self.awsFingerprint)
    }

    @Test func theRealAWSKeyParsesAsA2048BitRSAPublicKey() throws {
        let key = try RSAPublicKey(pkcs1DER: try Self.awsDER())
        #expect(key.bits == 2048)
    }

    @Test func aSignatureNotMadeByTheRealAWSKeyIsRejectedWithoutThrowing() throws {
        let key = try RSAPublicKey(pkcs1DER: try Self.awsDER())
        let made = try RSAKeys.shared.get().privateKey.signSHA256(Array("2015-08-17T15:01:31Z".utf8))
        #expect(try key.verifySHA256(signature: made, message: Array("2015-08-17T15:01:31Z".utf8)) == false)
    }

    @Test func openSSLReadsTheRealAWSKeyAs2048BitsWithExponent65537() throws {
        // openssl parses the same DER as PKCS#1 RSAPublicKey and reports 2048 bits and e = 65537.
        let scratch = try TemporaryDirectory("aws-key")
        defer { scratch.remove() }
        let path = try scratch.write(try Self.awsDER(), to: "aws.der")
        let run = try ExternalTool.run("openssl", ["rsa", "-RSAPublicKey_in", "-inform", "DER", "-in", path, "-noout", "-text"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2048 bit"))
        #expect(run.stdout.contains("Exponent: 65537"))
    }
}
