import Foundation
import Testing
import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// A generated trail in its own scratch directory and its own bucket on a test S3 server, with
/// its public keys registered with the CloudTrail stand-in under each key's own region.
///
/// Every trail has its own access key id: the CloudTrail stand-in keeps keys, trails and the
/// organization per access key id, so tests running in parallel do not see each other's keys.
struct S3Trail {
    let scratch: ScratchDirectory
    let trail: GeneratedTrail
    let spec: TrailSpec
    /// The S3 server holding the bucket.
    let server: S3Server
    /// That server's endpoint.
    let s3Endpoint: String
    /// The CloudTrail stand-in's endpoint.
    let cloudTrailEndpoint: String
    /// The access key id every request of this trail signs with (the stand-in's namespace).
    let accessKeyID: String
    /// Fingerprints of the keys that signed each region's digests (before any tampering).
    let fingerprintsByRegion: [String: Set<String>]

    /// The secret every request signs with.
    static let secretAccessKey = "test"

    /// Generates a small trail from a spec adjusted by `configure`, in a fresh bucket on `server`.
    /// - Throws: when the servers are not running (see `S3TestServers`) or generation fails.
    init(_ label: String, on server: S3Server = .moto, configure: (inout TrailSpec) -> Void = { _ in }) throws {
        guard let s3 = server.endpoint, let cloudTrail = S3TestServers.cloudTrailEndpoint else {
            throw S3TrailError("the test servers (\(server.rawValue)'s S3, the CloudTrail stand-in) are not running: use scripts/test-servers.sh")
        }
        guard let accessKeyID = server.newAccessKeyID() else {
            throw S3TrailError("every access key id scripts/test-servers.sh gave \(server.rawValue) is in use: give it more")
        }
        self.server = server
        self.accessKeyID = accessKeyID
        s3Endpoint = s3
        cloudTrailEndpoint = cloudTrail
        var spec = TrailSpec()
        spec.hours = 6
        spec.logFilesPerHour = 1...3
        spec.eventsPerLogFile = 2...6
        configure(&spec)
        spec.bucket = S3Trail.uniqueBucketName(label)
        self.spec = spec
        let scratch = try ScratchDirectory("s3-\(label)")
        do {
            trail = try TrailGenerator.generate(spec, into: scratch.path)
            fingerprintsByRegion = try S3Trail.signingFingerprints(of: trail)
        } catch {
            scratch.remove()
            throw error
        }
        self.scratch = scratch
    }

    /// `tp-<label>-<random>`: lowercase, at most 63 characters, a valid S3 bucket name.
    static func uniqueBucketName(_ label: String) -> String {
        let cleaned = String(label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(40))
        return "tp-\(cleaned)-\(UUID().uuidString.lowercased().prefix(8))"
    }

    var bucket: String { trail.bucket }
    var digests: [GeneratedDigest] { trail.primaryDigests }
    func digestWithLogs(_ index: Int) -> GeneratedDigest { trail.primaryDigestsWithLogs[index] }

    /// Removes the local copy (the bucket stays on the server until it stops).
    func remove() { scratch.remove() }

    // MARK: Setting up the servers

    /// Uploads the trail with scripts/upload-trail.py: digests keep their signature as S3
    /// metadata (x-amz-meta-signature) unless their sidecar was removed.
    func upload(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let script = TrailproofBinary.packageRoot + "/scripts/upload-trail.py"
        let run = try ExternalCommand.run(["python3", script, s3Endpoint, trail.root, bucket], environment: awsProcessEnvironment,
                                          sourceLocation: sourceLocation)
        guard run.status == 0 else { throw ExternalCommandFailed(run) }
    }

    /// Registers each region's keys (from the trail's key file) with the CloudTrail stand-in.
    func registerKeys() throws {
        let entries = try keyFileEntries()
        for region in spec.regions {
            let fingerprints = fingerprintsByRegion[region] ?? []
            try registerKeys(entries.filter { fingerprints.contains($0["Fingerprint"] as? String ?? "") }, region: region)
        }
    }

    /// Replaces the keys ListPublicKeys returns in `region` with `entries` (list-public-keys shape).
    func registerKeys(_ entries: [[String: Any]], region: String) throws {
        let body = try JSONSerialization.data(withJSONObject: ["PublicKeyList": entries])
        try admin("PUT", "/_trailproof/keys?region=\(region)", body: Array(body))
    }

    /// The entries of the trail's key file.
    func keyFileEntries() throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(try LocalFile.readAll(trail.publicKeysFile, limit: 1 << 20)))
        return ((json as? [String: Any])?["PublicKeyList"] as? [[String: Any]]) ?? []
    }

    /// The trail's ARN: its home region and (for an organization trail, the management) account.
    var trailARN: String {
        "arn:aws:cloudtrail:\(spec.homeRegion ?? spec.regions[0]):\(spec.accounts[0]):trail/\(spec.trailName)"
    }

    /// Registers the trail for DescribeTrails, and its organization for DescribeOrganization.
    func registerTrail() throws {
        var trail: [String: Any] = [
            "Name": spec.trailName, "S3BucketName": bucket, "TrailARN": trailARN,
            "HomeRegion": spec.homeRegion ?? spec.regions[0], "IsMultiRegionTrail": spec.regions.count > 1,
            "IsOrganizationTrail": spec.organizationID != nil, "LogFileValidationEnabled": true,
            "IncludeGlobalServiceEvents": true,
        ]
        if !spec.keyPrefix.isEmpty { trail["S3KeyPrefix"] = spec.keyPrefix }
        try admin("POST", "/_trailproof/trails", body: Array(try JSONSerialization.data(withJSONObject: trail)))
        if let organization = spec.organizationID {
            let body: [String: Any] = [
                "Id": organization, "Arn": "arn:aws:organizations::\(spec.accounts[0]):organization/\(organization)",
                "MasterAccountId": spec.accounts[0], "FeatureSet": "ALL",
            ]
            try admin("PUT", "/_trailproof/organization", body: Array(try JSONSerialization.data(withJSONObject: body)))
        }
    }

    /// Sets the stand-in's ListPublicKeys page size for this trail (nil: one page).
    func setListPublicKeysPageSize(_ size: Int?) throws {
        let body: [String: Any] = ["pageSize": size.map { $0 as Any } ?? NSNull()]
        try admin("PUT", "/_trailproof/settings", body: Array(try JSONSerialization.data(withJSONObject: body)))
    }

    /// The signed API calls the stand-in received for this trail: operation, region, body.
    func cloudTrailRequests() throws -> [(operation: String, region: String, body: [String: Any])] {
        let json = try JSONSerialization.jsonObject(with: Data(try admin("GET", "/_trailproof/requests")))
        return ((json as? [[String: Any]]) ?? []).map {
            ($0["operation"] as? String ?? "", $0["region"] as? String ?? "", $0["body"] as? [String: Any] ?? [:])
        }
    }

    /// Calls an admin endpoint of the stand-in in this trail's namespace.
    @discardableResult
    func admin(_ method: String, _ path: String, body: [UInt8] = []) throws -> [UInt8] {
        let separator = path.contains("?") ? "&" : "?"
        let request = HTTPRequest(method: method, url: cloudTrailEndpoint + path + separator + "namespace=\(accessKeyID)",
                                  headers: [("Content-Type", "application/json")], body: body)
        var response: [UInt8] = []
        let head = try HTTPTransfer().perform(request) { response.append(contentsOf: $0) }
        guard head.status == 200 else {
            throw S3TrailError("\(method) \(path): HTTP \(head.status) \(String(decoding: head.errorBody + response, as: UTF8.self))")
        }
        return response
    }

    // MARK: Verifying

    /// What the S3 verification takes its keys from.
    enum KeySource {
        /// CloudTrail's ListPublicKeys (the stand-in), per region, as `trailproof verify s3://…` does.
        case listPublicKeys
        /// The trail's key file.
        case keyFile
    }

    /// Verifies the local copy, as `trailproof verify ROOT --public-keys FILE --bucket BUCKET` does.
    func verifyLocally(_ configure: (inout RunRequest) -> Void = { _ in }) throws -> VerificationReport {
        var request = RunRequest(source: .directory(path: trail.root))
        request.bucket = bucket
        request.keyRing = (try keyFileRing(), [])
        configure(&request)
        return try RunPlan.resolve(request).verify().report
    }

    /// Verifies the bucket in place over S3, as `trailproof verify s3://BUCKET[/PREFIX]` does:
    /// planned by `RunPlan` with this server's S3 and CloudTrail, the run's clock half an hour
    /// after the trail's newest digest (as a run just after it was written), or 3 h after the
    /// window's end when the request has one.
    func verifyInS3(prefix: String = "", keys: KeySource = .listPublicKeys, secretAccessKey: String = S3Trail.secretAccessKey,
                    _ configure: (inout RunRequest) -> Void = { _ in }) throws -> VerificationReport {
        let http = AWSHTTPClient(environment: awsEnvironment(secretAccessKey: secretAccessKey))
        let newest = trail.digests.map(\.endTime).max() ?? spec.start
        var request = RunRequest(source: .s3(bucket: bucket, prefix: prefix), startedAt: newest.adding(seconds: 1800))
        request.bucket = bucket
        request.policy.workers = 8
        if case .keyFile = keys { request.keyRing = (try keyFileRing(), []) }
        configure(&request)
        // A run made after the window it asks about: its clock does not cut the window short.
        if let end = request.end, request.referenceTime == nil {
            request.startedAt = max(request.startedAt, end.adding(seconds: 3 * 3600))
        }
        let services = RunServices(s3: S3Client(http: http), publicKeys: CloudTrailPublicKeys(http: http)) { _, _ in nil }
        return try RunPlan.resolve(request, services: services).verify().report
    }

    /// The environment in-process S3 and CloudTrail calls use.
    func awsEnvironment(secretAccessKey: String = S3Trail.secretAccessKey) -> AWSEnvironment {
        AWSEnvironment(credentials: AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, source: "test"),
                       region: "us-east-1", s3Endpoint: s3Endpoint, cloudTrailEndpoint: cloudTrailEndpoint)
    }

    /// The trail's key file as a ring.
    func keyFileRing() throws -> PublicKeyRing {
        PublicKeyRing(keys: try PublicKeyRing.parseListPublicKeys(try LocalFile.readAll(trail.publicKeysFile, limit: 1 << 20),
                                                                  name: trail.publicKeysFile))
    }

    /// The environment of child processes (upload script, AWS CLI, trailproof): this trail's
    /// credentials, the test servers as AWS_ENDPOINT_URL_*, and nothing from ~/.aws.
    var awsProcessEnvironment: [String: String?] {
        [
            "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": S3Trail.secretAccessKey, "AWS_SESSION_TOKEN": nil,
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": nil, "AWS_PROFILE": nil, "AWS_DEFAULT_PROFILE": nil,
            "AWS_CONFIG_FILE": scratch.path + "/no-aws-config", "AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/no-aws-credentials",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": nil,
            "AWS_ENDPOINT_URL_S3": s3Endpoint, "AWS_ENDPOINT_URL_CLOUDTRAIL": cloudTrailEndpoint,
            "AWS_ENDPOINT_URL_ORGANIZATIONS": cloudTrailEndpoint,
        ]
    }

    /// Runs the built `trailproof` with `arguments` in this trail's AWS environment.
    func trailproof(_ arguments: [String], environment extra: [String: String?] = [:],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> ExternalCommand.Run {
        guard let binary = TrailproofBinary.path else {
            Issue.record("the built trailproof executable was not found: swift build first", sourceLocation: sourceLocation)
            throw S3TrailError("no trailproof executable")
        }
        return try ExternalCommand.run([binary] + arguments, environment: awsProcessEnvironment.merging(extra) { $1 },
                                       sourceLocation: sourceLocation)
    }

    /// The `s3://bucket/key` form reports use.
    func url(_ key: String) -> String { "s3://\(bucket)/\(key)" }

    // MARK: Generated trail facts

    /// Reads every generated digest's digestPublicKeyFingerprint, by the region of its chain.
    private static func signingFingerprints(of trail: GeneratedTrail) throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for digest in trail.digests {
            let json = try Gzip.decompress(try LocalFile.readAll(trail.path(of: digest.key), limit: 64 << 20), limit: 64 << 20)
            guard let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
                  let fingerprint = object["digestPublicKeyFingerprint"] as? String else {
                throw S3TrailError("generated digest \(digest.key) has no digestPublicKeyFingerprint")
            }
            result[digest.chain.location.region, default: []].insert(fingerprint)
        }
        return result
    }
}

/// A test set-up step that failed.
struct S3TrailError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
