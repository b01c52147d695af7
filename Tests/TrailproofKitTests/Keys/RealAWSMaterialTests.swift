import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen
import TrailproofTestSupport

/// Real AWS material (Fixtures/real-data, see its README): keys in both DER forms, as AWS
/// publishes them, and a real digest body in AWS's compact form.
@Suite struct RealAWSMaterialTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        try LocalFile.readAll(BuiltExecutable.packageRoot + "/Fixtures/real-data/" + name, limit: 1 << 20)
    }

    @Test func theUserGuideKeysParseInBothDERFormsWithTheirPublishedFingerprints() throws {
        let keys = try PublicKeyRing.parseListPublicKeys(try Self.fixture("public-keys-docs-sample.json"), name: "docs")
        #expect(keys.map(\.fingerprint) == ["8eba5db5bea9b640d1c96a77256fe7f2", "8933b39ddc64d26d8e14ffbf6566fee4",
                                             "31e8b5433410dfb61a9dc45cc65b22ff"])
        #expect(keys.map(\.rsa.encoding) == [.pkcs1, .pkcs1, .subjectPublicKeyInfo])
        #expect(keys.allSatisfy { $0.rsa.bits == 2048 })
        // Lower-camel publicKeyList, times as strings of epoch seconds.
        #expect(keys[0].validityStart?.iso8601 == "2015-07-08T01:04:01Z")
        #expect(keys[2].validityEnd?.iso8601 == "2015-07-18T01:02:50Z")
        // The fingerprint is over the bytes as given: the SPKI bytes, not the PKCS#1 key inside.
        let spki = try #require(Data(base64Encoded: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqlzPJbvZJ42UdcmLfPUqXYNfOs6I8lCfao/tOs8CmzPOEdtLWugB9xoIUz78qVHdKIqxbaG4jWHfJBiOSSFBM0lt8cdVo4TnRa7oG9io5pysS6DJhBBAeXsicufsiFJR+wrUNh8RSLxL4k6G1+BhLX20tJkZ/erT97tDGBujAelqseGg3vPZbTx9SMfOLN65PdLFudLP7Gat0Z9p5jw/rjpclKfo9Bfc3heeBxWGKwBBOKnFAaN9V57pOaosCvPKmHd9bg7jsQkI9Xp22IzGLsTFJZYVA3KiTAElDMu80iFXPHEq9hKNbt9e4URFam+1utKVEiLkR2disdCmPTK0VQIDAQAB"))
        #expect(try MessageDigest.md5Hex(Array(spki)) == "31e8b5433410dfb61a9dc45cc65b22ff")
        #expect(try MessageDigest.md5Hex(Array(spki.suffix(270))) != "31e8b5433410dfb61a9dc45cc65b22ff")
    }

    @Test func theCLIDocumentationKeyParsesWithItsPublishedFingerprint() throws {
        let keys = try PublicKeyRing.parseListPublicKeys(try Self.fixture("public-keys-cli-example.json"), name: "cli")
        #expect(keys.map(\.fingerprint) == ["7f3f401420072e50a65a141430817ab3"])
        #expect(keys[0].rsa.encoding == .pkcs1)
        #expect(keys[0].validityStart?.iso8601 == "2016-01-18T00:25:02Z")
    }

    @Test func aRealCompactDigestIsParsedAndHashedAsItsExactBytes() throws {
        let bytes = try Self.fixture("real-digest-compact.json")
        #expect(bytes.count == 3324)
        // The escaped slashes stay in the bytes that are hashed and signed.
        #expect(String(decoding: bytes, as: UTF8.self).contains("AWSLogs\\/327878933619"))
        #expect(try MessageDigest.sha256Hex(bytes) == "4277102dccf54c0c247738ca5e6e3504b7370206ef1c82855994ec23441ae1ed")
        let digest = try Digest(json: bytes)
        #expect(digest.object == "AWSLogs/327878933619/CloudTrail-Digest/ap-northeast-1/2023/10/15/327878933619_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z.json.gz")
        #expect(digest.endTimeText == "2023-10-15T23:04:04Z")
        #expect(digest.publicKeyFingerprint == "be2f0b997552f44942837300ba1aba9d")
        #expect(digest.logFiles.count == 5)
        #expect(digest.logFileCount == 5)
        #expect(digest.logFiles[0].object.hasPrefix("AWSLogs/327878933619/CloudTrail/ap-northeast-1/2023/10/15/"))
        #expect(digest.previous?.signature.count == 512)
        // Its key, as the digest names it, parses as a digest of its own chain and end time.
        guard case .digest(let name)? = TrailObjectKey(digest.object) else { Issue.record("key not recognised"); return }
        #expect(name.chain.trailName == "llm-guard-trail")
        #expect(name.chain.homeRegion == "us-west-2")
        #expect(name.chain.location.region == "ap-northeast-1")
        #expect(name.endTime == digest.endTime)
        for entry in digest.logFiles {
            guard case .logFile? = TrailObjectKey(entry.object) else { Issue.record("\(entry.object) not recognised"); continue }
        }
        // The string signed names the object unescaped and the hash of the exact bytes.
        let signed = String(decoding: SigningString.bytes(for: digest, digestSHA256Hex: try MessageDigest.sha256Hex(bytes)), as: UTF8.self)
        #expect(signed.hasPrefix("2023-10-15T23:04:04Z\nllm-guard-trail/AWSLogs/327878933619/CloudTrail-Digest/"))
        #expect(signed.contains("\n4277102dccf54c0c247738ca5e6e3504b7370206ef1c82855994ec23441ae1ed\n"))
    }

    @Test func aTrailSignedWithAKeyPublishedAsSubjectPublicKeyInfoVerifies() throws {
        let scenario = try TrailScenario("spki") { $0.hours = 4 }
        defer { scenario.scratch.remove() }
        // Publish the same signing key in its SPKI form: another fingerprint (the MD5 of those
        // bytes), so the digests must name it; re-sign them as CloudTrail would.
        let signer = try SigningAuthority.key(0)
        let scratch = scenario.scratch.path
        try LocalFile.write(Array(try signer.privateKey.pem().utf8), to: scratch + "/k.pem")
        let openssl = try ProcessRunner.run("openssl", ["pkey", "-in", scratch + "/k.pem", "-pubout", "-outform", "DER", "-out", scratch + "/k.der"])
        #expect(openssl.status == 0, "\(openssl)")
        let spki = try LocalFile.readAll(scratch + "/k.der", limit: 1 << 16)
        let fingerprint = try MessageDigest.md5Hex(spki)
        let ring = PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(Array("""
            {"PublicKeyList": [{"Value": "\(Data(spki).base64EncodedString())", "Fingerprint": "\(fingerprint)"}]}
            """.utf8), name: "spki.json"))
        #expect(ring.keys.first?.rsa.encoding == .subjectPublicKeyInfo)
        let respelled = SigningAuthority.Key(privateKey: signer.privateKey, fingerprint: fingerprint, publicDER: spki)
        // Each digest re-signed in chain order, its link to the re-signed predecessor renewed.
        var previousSignature: String?
        var previousHash: String?
        for digest in scenario.digests {
            previousSignature = try scenario.trail.rewriteDigest(digest.key, signer: respelled) { json in
                if let previousSignature, let previousHash {
                    json["previousDigestSignature"] = previousSignature
                    json["previousDigestHashValue"] = previousHash
                }
            }
            let body = try Gzip.decompress(try scenario.trail.readObject(digest.key), limit: 1 << 24)
            previousHash = try MessageDigest.sha256Hex(body)
        }
        let report = try plannedVerifier(try scenario.store, keys: ring).run()
        #expect(report.totals.exitStatus == 0, "\(report.digests.map { "\($0.verdict) \($0.problems.map(\.detail))" })")
        #expect(report.totals.digestsValid == scenario.digests.count)
    }
}
