import Synchronization
import TrailproofKit
import TrailproofNative

/// Plays CloudTrail's key management: one RSA-2048 key pair per region (and per rotation).
///
/// Key generation is the slow part of making a trail, so generated keys are kept in a
/// process-wide pool and reused by later trails.
public final class SigningAuthority: Sendable {
    /// A signing key with its CloudTrail public-key facts.
    public struct Key: Sendable {
        /// The private key.
        public let privateKey: RSAPrivateKey
        /// MD5 fingerprint of the public DER.
        public let fingerprint: String
        /// Public DER as published (PKCS#1 unless given otherwise).
        public let publicDER: [UInt8]

        /// A key published as `publicDER` (either DER form) under `fingerprint`.
        public init(privateKey: RSAPrivateKey, fingerprint: String, publicDER: [UInt8]) {
            self.privateKey = privateKey
            self.fingerprint = fingerprint
            self.publicDER = publicDER
        }
    }

    private static let pool = Mutex<[Key]>([])

    /// A key; `index` picks a distinct one from the process-wide pool (generating as needed).
    public static func key(_ index: Int) throws -> Key {
        while true {
            let existing: Key? = pool.withLock { $0.count > index ? $0[index] : nil }
            if let existing { return existing }
            let privateKey = try RSAPrivateKey.generate(bits: 2048)
            let der = try privateKey.publicKeyPKCS1DER()
            let key = Key(privateKey: privateKey, fingerprint: try MessageDigest.md5Hex(der), publicDER: der)
            pool.withLock { $0.append(key) }
        }
    }

    /// The JSON `aws cloudtrail list-public-keys` prints for `keys` with their validity windows.
    public static func listPublicKeysJSON(_ keys: [(Key, TimeSpan)], epochTimes: Bool = true) -> [UInt8] {
        let entries: [JSONWriter.Value] = keys.map { key, validity in
            func time(_ value: UTCTime) -> JSONWriter.Value {
                epochTimes ? .raw(Array("\(value.secondsSinceEpoch).0".utf8)) : .string(value.iso8601)
            }
            return .object([
                ("Value", .string(base64(key.publicDER))),
                ("ValidityStartTime", time(validity.start)),
                ("ValidityEndTime", time(validity.end)),
                ("Fingerprint", .string(key.fingerprint)),
            ])
        }
        return JSONWriter.encode(.object([("PublicKeyList", .array(entries))]))
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let b0 = Int(bytes[index])
            let b1 = index + 1 < bytes.count ? Int(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? Int(bytes[index + 2]) : 0
            out.append(table[b0 >> 2])
            out.append(table[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(index + 1 < bytes.count ? table[((b1 & 15) << 2) | (b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? table[b2 & 63] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
