import Testing
@testable import TrailproofKit
import TrailproofTrailGen

/// An S3 store keeps the signature that came with a digest's GetObject for the load that asks
/// for it next, not for the whole run: reading more digests than `RecentSignatures.capacity`
/// leaves at most that many held, and a signature asked for again, or after it was dropped,
/// comes from a HeadObject, the same.
@Suite struct S3SignatureMemoTests {
    @Test(.enabled(if: S3TestServers.available, "run through scripts/test, which starts the servers"), arguments: S3Server.allCases)
    func readingManyDigestsHoldsAFewSignaturesAndEachIsStillFound(on server: S3Server) throws {
        let trail = try S3Trail("sigmemo", on: server) { spec in
            spec.hours = RecentSignatures.capacity + 44
            spec.logFilesPerHour = 1...1
            spec.eventsPerLogFile = 1...1
        }
        defer { trail.remove() }
        try trail.upload()
        let store = S3Store(bucket: trail.bucket, prefix: "", client: S3Client(http: AWSHTTPClient(environment: trail.awsEnvironment())))
        let digests = trail.digests
        #expect(digests.count > RecentSignatures.capacity)
        for digest in digests {
            #expect(try store.streamObject(digest.key, restart: {}) { _ in })
        }
        #expect(store.signaturesHeld == RecentSignatures.capacity, "the newest are held, no more")
        // The newest was held, the first dropped (HeadObject): both as uploaded, and asked for twice.
        for digest in [digests[digests.count - 1], digests[0], digests[digests.count - 1]] {
            let saved = try store.savedSignature(for: digest.key)
            #expect(saved?.signatureHex == digest.signatureHex.lowercased(), "\(digest.key)")
            #expect(saved?.source == .s3Metadata)
        }
        #expect(store.signaturesHeld == RecentSignatures.capacity - 1, "the one asked for is no longer held")
    }
}
