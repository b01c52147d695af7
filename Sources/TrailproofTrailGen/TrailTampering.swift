import Foundation
import TrailproofKit
import TrailproofNative

/// Tampering with a generated trail, the way an intruder or an accident would.
extension GeneratedTrail {
    /// Changes one event of a log file and re-compresses it (a hash mismatch).
    public func modifyLogFile(_ key: String) throws {
        var body = try Gzip.decompress(try LocalFile.readAll(path(of: key), limit: 1 << 30), limit: 1 << 30)
        guard let index = body.firstIndex(of: UInt8(ascii: "T")) ?? body.indices.last else { return }
        body[index] = body[index] == UInt8(ascii: "X") ? UInt8(ascii: "Y") : UInt8(ascii: "X")
        try LocalFile.write(try Gzip.compress(body), to: path(of: key))
    }

    /// Cuts a gzip file in half (truncated).
    public func truncateObject(_ key: String) throws {
        let bytes = try LocalFile.readAll(path(of: key), limit: 1 << 30)
        try LocalFile.write(Array(bytes.prefix(bytes.count / 2)), to: path(of: key))
    }

    /// Replaces an object's bytes with `bytes` (garbage, not gzip, …).
    public func overwriteObject(_ key: String, with bytes: [UInt8]) throws {
        try LocalFile.write(bytes, to: path(of: key))
    }

    /// Deletes an object (and a digest's sidecar).
    public func deleteObject(_ key: String) throws {
        try LocalFile.remove(path(of: key))
        try LocalFile.remove(path(of: key) + ".metadata.json")
    }

    /// Rewrites a digest's JSON (drops its last log file entry, or changes its end time when
    /// it lists none), keeping its signature: the signature no longer verifies.
    public func modifyDigest(_ key: String) throws {
        let json = try Gzip.decompress(try LocalFile.readAll(path(of: key), limit: 1 << 30), limit: 1 << 30)
        var text = String(decoding: json, as: UTF8.self)
        if let range = text.range(of: "\"hashValue\":\"") {
            // Flip the first hex digit of the first listed log file's hash.
            let digit = text[range.upperBound]
            text.replaceSubrange(range.upperBound...range.upperBound, with: digit == "0" ? "1" : "0")
        } else {
            text = text.replacingFirst("\"newestEventTime\":null", with: "\"newestEventTime\":null ")
        }
        try LocalFile.write(try Gzip.compress(Array(text.utf8)), to: path(of: key))
    }

    /// Moves a digest (and its sidecar) to `newKey`.
    public func moveObject(_ key: String, to newKey: String) throws {
        let bytes = try LocalFile.readAll(path(of: key), limit: 1 << 30)
        try LocalFile.write(bytes, to: path(of: newKey))
        if let sidecar = try? LocalFile.readAll(path(of: key) + ".metadata.json", limit: 1 << 20) {
            try LocalFile.write(sidecar, to: path(of: newKey) + ".metadata.json")
        }
        try deleteObject(key)
    }

    /// Removes a digest's saved signature (sidecar file).
    public func stripSignature(_ key: String) throws {
        try LocalFile.remove(path(of: key) + ".metadata.json")
    }

    /// Writes a log file that no digest lists, in the primary location, delivered at `time`.
    @discardableResult
    public func plantLogFile(at time: UTCTime, seed: UInt64 = 99) throws -> String {
        guard let chain = primaryDigests.first?.chain else { throw NativeError(.system, "plant log file", detail: "empty trail") }
        var random = SeededGenerator(seed: seed)
        var spec = TrailSpec()
        spec.keyPrefix = chain.location.keyPrefix
        let planned = TrailGenerator.plannedLog(location: chain.location, span: TimeSpan(start: time.adding(seconds: -30), end: time.adding(seconds: 90)),
                                                spec: spec, random: &random)
        let factory = EventRecordFactory(accountID: chain.location.accountID, region: chain.location.region)
        _ = try TrailGenerator.writeLogs([planned], root: root, factory: factory, level: 6)
        return planned.key
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}

extension GeneratedTrail {
    /// Rewrites a digest's JSON with `transform` and signs the result with `signer`, updating its
    /// sidecar: what an attacker holding a signing key (or CloudTrail itself) could produce.
    /// The signature covers the digest's own previousDigestSignature, as CloudTrail's does.
    /// - Returns: the new hex signature.
    @discardableResult
    public func rewriteDigest(_ key: String, signer: SigningAuthority.Key,
                              transform: (inout [String: Any]) -> Void) throws -> String {
        let json = try Gzip.decompress(try LocalFile.readAll(path(of: key), limit: 1 << 30), limit: 1 << 30)
        guard var object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw NativeError(.system, "rewrite digest \(key)", detail: "not a JSON object")
        }
        transform(&object)
        object["digestPublicKeyFingerprint"] = signer.fingerprint
        let bytes = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        let hash = try MessageDigest.sha256Hex(bytes)
        let previous = (object["previousDigestSignature"] as? String) ?? "null"
        let signed = [object["digestEndTime"] as? String ?? "", "\(object["digestS3Bucket"] as? String ?? "")/\(object["digestS3Object"] as? String ?? "")",
                      hash, previous].joined(separator: "\n")
        let signature = Hex.encode(try signer.privateKey.signSHA256(Array(signed.utf8)))
        try LocalFile.write(try Gzip.compress(bytes), to: path(of: key))
        try ChainWriter.writeSidecar(for: path(of: key), signature: signature, length: bytes.count)
        return signature
    }
}

extension GeneratedTrail {
    /// The raw bytes of an object.
    public func readObject(_ key: String) throws -> [UInt8] {
        try LocalFile.readAll(path(of: key), limit: 1 << 30)
    }
}
