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
        "S3-compatible and CloudTrail endpoint, e.g. http://127.0.0.1:9000 (also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_CLOUDTRAIL).",
        valueName: "url"))
    var endpointURL: String?

    @Option(help: ArgumentHelp("Abandon a transfer that stalls (no data) for this many seconds, then retry (default 30).",
                               valueName: "seconds"))
    var timeout: Int = 30

    /// The resolved environment, or an error naming what is missing.
    func environment() throws -> AWSEnvironment {
        try AWSEnvironment.resolve(profile: profile, region: region, endpointURL: endpointURL,
                                   environment: ProcessInfo.processInfo.environment)
    }

    /// An HTTP client for that environment.
    func client() throws -> AWSHTTPClient {
        var retry = AWSHTTPClient.RetryPolicy()
        retry.timeouts.stall = max(1, timeout)
        retry.timeouts.connect = max(1, min(timeout, 10))
        return AWSHTTPClient(environment: try environment(), retry: retry)
    }
}
