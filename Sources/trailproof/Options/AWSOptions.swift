import ArgumentParser
import FoundationEssentials
import Synchronization
import TrailproofKit

/// Credentials resolved once per process and settings (then refreshed by themselves), and the
/// identity asked once per run: a run builds several clients, and follow mode runs for days.
private let resolvedEnvironments = Mutex<[String: AWSEnvironment]>([:])
private let askedIdentity = Mutex<RunAuthorities?>(nil)

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

    @Option(help: ArgumentHelp(
        "Abandon a transfer that moves less than 1 KiB/s for this many seconds (a stall or a trickle), then retry; a connection, and the first byte of each answer, must come within a third of this (at least 2 s, at most 10 s).",
        valueName: "seconds"))
    var timeout: Int = 30

    @Option(name: .customLong("object-timeout"), help: ArgumentHelp(
        "Give up on one request (one object, or one page of a listing) after this many seconds, retries included.",
        valueName: "seconds"))
    var objectTimeout: Int = 120

    func validate() throws {
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        guard objectTimeout >= 1 else { throw ValidationError("--object-timeout must be at least 1 second") }
    }

    /// The resolved environment, or an error naming what is missing; --endpoint-url applies to `service`.
    func environment(endpointService: AWSEnvironment.Service = .s3) throws -> AWSEnvironment {
        let key = [profile ?? "", region ?? "", endpointURL ?? "", endpointService == .s3 ? "s3" : "cloudtrail"].joined(separator: "\u{0}")
        if let known = resolvedEnvironments.withLock({ $0[key] }) { return known }
        let resolved = try AWSEnvironment.resolve(profile: profile, region: region, endpointURL: endpointURL, endpointService: endpointService,
                                                  environment: ProcessInfo.processInfo.environment)
        resolvedEnvironments.withLock { $0[key] = resolved }
        return resolved
    }

    /// The endpoints and identity of a run over S3; GetCallerIdentity is asked once per process.
    static func authorities(_ environment: AWSEnvironment, bucket: String?, keyRegions: [String]) -> RunAuthorities? {
        guard let context = environment.credentialContext else { return nil }
        var fresh = RunAuthorities.collect(environment: environment, bucket: bucket, keyRegions: keyRegions, stsContext: context,
                                           askIdentity: askedIdentity.withLock { $0 } == nil)
        if let asked = askedIdentity.withLock({ $0 }) {
            fresh.callerARN = asked.callerARN
            fresh.callerAccount = asked.callerAccount
            fresh.identityUnavailable = asked.identityUnavailable
        } else {
            askedIdentity.withLock { $0 = fresh }
        }
        return fresh
    }

    /// An HTTP client for that environment.
    func client(endpointService: AWSEnvironment.Service = .s3) throws -> AWSHTTPClient {
        var retry = AWSHTTPClient.RetryPolicy()
        retry.timeouts.stall = max(1, timeout)
        let answer = min(timeout, max(2, min(10, timeout / 3)))
        retry.timeouts.connect = answer
        retry.timeouts.response = answer
        retry.deadline = Double(max(1, objectTimeout))
        return AWSHTTPClient(environment: try environment(endpointService: endpointService), retry: retry)
    }

    /// What a run over S3 may ask of AWS: S3, ListPublicKeys, and who it signs as.
    func services() throws -> RunServices {
        let http = try client()
        return RunServices(s3: Self.s3Client(http), publicKeys: CloudTrailPublicKeys(http: http)) { bucket, regions in
            Self.authorities(http.environment, bucket: bucket, keyRegions: regions)
        }
    }

    /// An S3 client over `http`. TRAILPROOF_S3_LIST_PAGE_LIMIT lowers the pages one listing may take (for tests).
    static func s3Client(_ http: AWSHTTPClient) -> S3Client {
        let environment = ProcessInfo.processInfo.environment
        if let limit = environment["TRAILPROOF_S3_LIST_PAGE_LIMIT"].flatMap(Int.init), limit > 0 {
            return S3Client(http: http, listPageLimit: limit)
        }
        return S3Client(http: http)
    }
}
