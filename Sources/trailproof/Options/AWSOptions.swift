import ArgumentParser
import Foundation
import TrailproofKit

/// Where AWS requests go and who signs them.
struct AWSOptions: ParsableArguments {
    @Option(help: "AWS region for API calls (default: AWS_REGION, AWS_DEFAULT_REGION, the profile).")
    var region: String?

    @Option(help: "Profile in ~/.aws/credentials and ~/.aws/config (default: AWS_PROFILE).")
    var profile: String?

    @Option(name: .customLong("endpoint-url"), help: ArgumentHelp(
        "Endpoint of the service the command reads (S3 for verify and archive, CloudTrail for keys), e.g. http://127.0.0.1:9000; AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_CLOUDTRAIL set each.",
        valueName: "url"))
    var endpointURL: String?

    @Option(help: ArgumentHelp("Abandon a transfer that stalls (no data) for this many seconds, then retry.",
                               valueName: "seconds"))
    var timeout: Int = 30

    /// The resolved environment, or an error naming what is missing; --endpoint-url applies to `service`.
    func environment(endpointService: AWSEnvironment.Service = .s3) throws -> AWSEnvironment {
        try AWSEnvironment.resolve(profile: profile, region: region, endpointURL: endpointURL, endpointService: endpointService,
                                   environment: ProcessInfo.processInfo.environment)
    }

    /// An HTTP client for that environment.
    func client(endpointService: AWSEnvironment.Service = .s3) throws -> AWSHTTPClient {
        var retry = AWSHTTPClient.RetryPolicy()
        retry.timeouts.stall = max(1, timeout)
        retry.timeouts.connect = max(1, min(timeout, 10))
        return AWSHTTPClient(environment: try environment(endpointService: endpointService), retry: retry)
    }
}
