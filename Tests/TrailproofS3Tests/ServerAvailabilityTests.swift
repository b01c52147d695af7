import Testing

@Suite struct ServerAvailabilityTests {
    @Test(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
    func theTestServersAreReachable() throws {
        #expect(S3TestServers.s3Endpoint?.hasPrefix("http://127.0.0.1:") == true)
        #expect(S3TestServers.cloudTrailEndpoint?.hasPrefix("http://127.0.0.1:") == true)
    }
}
