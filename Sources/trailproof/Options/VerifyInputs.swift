import ArgumentParser
import TrailproofKit
import TrailproofNative

/// What `verify` and `records` read and trust, as the command line gives it: the source, the
/// keys, the bucket, the trail, the head signatures, and the options they share. `plan()` turns
/// them into a `RunRequest` and lets `RunPlan` decide.
struct VerifyInputs: ParsableArguments {
    @Argument(help: "s3://BUCKET[/PREFIX], or a directory holding a copy of the trail bucket (default with --trail-arn: the trail's own bucket and prefix).")
    var root: String?

    @OptionGroup var aws: AWSOptions

    @OptionGroup var trail: TrailOptions

    @OptionGroup var common: RunOptions

    @Option(help: "The bucket ROOT is a copy of (default: each chain's newest digest's bucket).")
    var bucket: String?

    @Flag(name: .customLong("keys-from-archive"), help: ArgumentHelp(
        "Use the public keys saved inside the archive ROOT (trailproof-public-keys.json). They are not independent of the evidence: the report says so."))
    var keysFromArchive = false

    @Option(name: .customLong("head-signature"), help: ArgumentHelp(
        "Hex signature of a chain's newest digest, from its S3 metadata (x-amz-meta-signature: 512 hex digits for CloudTrail's 2048-bit keys); repeatable. A value that is not an RSA signature's length is a usage error; one that verifies no chain's newest unsigned digest is a finding (digest missing: the digest it signs was deleted or replaced).", valueName: "hex"))
    var headSignatures: [String] = []

    @Option(help: ArgumentHelp(
        "Verify only what came after the previous run with this state file, proving the chains link on; the file is written (atomically) after the run.",
        valueName: "file"))
    var state: String?

    @Flag(help: "With --state: also list the verified past, compare each day folder with its fingerprint in the state, and verify again the days that changed.")
    var recheck = false

    func validate() throws {
        guard root != nil || trail.trailARN != nil else {
            throw ValidationError("give ROOT (s3://BUCKET[/PREFIX] or a directory), or --trail-arn")
        }
        for signature in headSignatures {
            if let refusal = HeadSignatureValue.refusal(signature, names: .commandLine) { throw ValidationError(refusal) }
        }
        try validatePlan()
    }

    /// The plan's rules for the request these flags make, adjusted by `adjust` (a command's
    /// shard, run id, reference time), before anything is read or asked of AWS; a state file
    /// named is one the run will have.
    func validatePlan(_ adjust: (inout RunRequest) -> Void = { _ in }) throws {
        var request = try self.request(source: sourceToValidate)
        if state != nil { request.state = TrailState(source: "") }
        adjust(&request)
        do { try RunPlan.validate(request) } catch let rule as RunPlanError { throw rule.usageError }
    }

    /// The source as far as the flags tell (with --trail-arn alone: the trail's bucket, over S3).
    var sourceToValidate: RunRequest.Source { root.map(source(of:)) ?? .s3(bucket: "", prefix: "") }

    /// Where `root` points.
    func source(of root: String) -> RunRequest.Source {
        if let location = S3Store.parse(url: root) { return .s3(bucket: location.bucket, prefix: location.prefix) }
        return .directory(path: root)
    }

    /// The request these flags make for `source` (without the trail selection and the state,
    /// which need reading).
    func request(source: RunRequest.Source) throws -> RunRequest {
        var remote = false
        if case .s3 = source { remote = true }
        var request = RunRequest(source: source, policy: common.verificationOptions(
            defaultWorkers: remote ? VerificationOptions.defaultS3Transfers : VerificationOptions.defaultWorkers, remote: remote))
        request.publicKeyFiles = common.publicKeys
        request.keysFromArchive = keysFromArchive
        request.bucket = bucket
        request.headSignatures = headSignatures
        (request.start, request.end) = common.window
        request.recheck = recheck
        request.inputNames = .commandLine
        return request
    }

    /// The plan for this run and the state file (locked) it uses.
    /// - Parameters:
    ///   - held: the state file a previous round of the same process holds (follow mode).
    ///   - adjust: sets what a command adds to the request (a shard, a run id, a reference time).
    func plan(holding held: StateFile? = nil, adjust: (inout RunRequest) throws -> Void = { _ in }) throws
        -> (plan: RunPlan, stateFile: StateFile?) {
        // With --trail-arn, DescribeTrails says where the trail delivers and which chains are its own.
        let selection = try trail.selection(http: try aws.client())
        guard let root = root ?? selection?.trail.url else { throw ValidationError("give ROOT or --trail-arn") }
        var request = try request(source: source(of: root))
        request.trailSelection = selection
        try adjust(&request)
        let stateSource: String
        if case .s3(let bucket, let prefix) = request.source {
            stateSource = "s3://\(bucket)/\(prefix)"
        } else {
            stateSource = try DirectoryStore(root: root).displayName
        }
        let stateFile = try held ?? state.map { try StateFile(path: $0, source: stateSource) }
        request.state = stateFile?.state
        // The rules first; AWS is asked nothing for a request that breaks one.
        try RunPlan.validate(request)
        var services: RunServices?
        if case .s3 = request.source { services = try aws.services() }
        return (try RunPlan.resolve(request, services: services), stateFile)
    }
}
