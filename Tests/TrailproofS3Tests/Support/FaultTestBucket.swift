import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A small generated trail uploaded to its own bucket in a test S3 server (moto, or SeaweedFS,
/// which knows the access key id fault-tests), digests carrying their signatures as S3 user
/// metadata the way CloudTrail stores them.
struct FaultTestBucket {
    let scratch: ScratchDirectory
    let trail: GeneratedTrail
    let endpoint: String

    var bucket: String { trail.bucket }

    /// Generates the trail (a fresh bucket name), lets `tamper` change the files, then uploads them.
    init(_ label: String, endpoint: String, configure: (inout TrailSpec) -> Void = { _ in },
         tamper: (GeneratedTrail) throws -> Void = { _ in }) throws {
        var spec = TrailSpec()
        spec.seed = UInt64.random(in: 1...UInt64(UInt32.max))
        spec.bucket = "tp-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        spec.hours = 4
        spec.logFilesPerHour = 2...3
        spec.eventsPerLogFile = 2...6
        configure(&spec)
        self.endpoint = endpoint
        scratch = try ScratchDirectory("fault-\(label)")
        trail = try TrailGenerator.generate(spec, into: scratch.path)
        try tamper(trail)
        try upload()
    }

    /// Digest and log file keys present in the bucket.
    var objectKeys: [String] {
        (trail.digests.map(\.key) + trail.logFiles.map(\.key)).filter { FileManager.default.fileExists(atPath: trail.path(of: $0)) }
    }

    /// Log file keys listed by a digest, in the order the generator wrote them.
    var listedLogKeys: [String] { trail.logFiles.filter { $0.digestKey != nil }.map(\.key) }

    private func upload() throws {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "fault-tests", secretAccessKey: "test", source: "test"),
                                 region: "us-east-1", service: "s3")
        let transfer = try HTTPTransfer()
        func put(_ key: String, body: [UInt8], headers: [(name: String, value: String)] = []) throws {
            let path = key.isEmpty ? "" : "/" + key.split(separator: "/", omittingEmptySubsequences: false)
                .map { SigV4Signer.uriEncode(String($0)) }.joined(separator: "/")
            // Without a Content-Type libcurl says x-www-form-urlencoded, and moto then stores an empty object.
            let request = HTTPRequest(method: "PUT", url: "\(endpoint)/\(bucket)\(path)",
                                      headers: [("Content-Type", "application/octet-stream")] + headers, body: body)
            let head = try transfer.perform(try signer.sign(request, date: UTCTime.now)) { _ in }
            guard head.status == 200 else {
                throw FaultProxy.ProxyError(message: "PUT \(bucket)/\(key): HTTP \(head.status) \(String(decoding: head.errorBody, as: UTF8.self))")
            }
        }
        try put("", body: [])
        let signatures = Dictionary(trail.digests.map { ($0.key, $0.signatureHex) }, uniquingKeysWith: { first, _ in first })
        let files = FileManager.default.enumerator(atPath: trail.root)
        while let relative = files?.nextObject() as? String {
            let path = trail.root + "/" + relative
            guard (try? LocalFile.kind(of: path)) == .regular, !relative.hasSuffix(".metadata.json") else { continue }
            var headers: [(name: String, value: String)] = []
            if let signature = signatures[relative] {
                headers = [("x-amz-meta-signature", signature), ("x-amz-meta-signature-algorithm", "SHA256withRSA")]
            }
            try put(relative, body: try LocalFile.readAll(path, limit: 1 << 30), headers: headers)
        }
    }

    func remove() { scratch.remove() }
}
