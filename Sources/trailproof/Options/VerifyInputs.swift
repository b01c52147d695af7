import ArgumentParser
import TrailproofKit
import TrailproofNative

/// What `verify` and `records` read and trust: the source, the keys, the bucket, the trail, the
/// head signatures, and the options they share; `resolve()` turns them into a store, a key ring
/// and engine options, saying where each came from.
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

    func validate() throws {
        if recheck && state == nil { throw ValidationError("--recheck goes with --state FILE") }
        if keysFromArchive && !common.publicKeys.isEmpty {
            throw ValidationError("--keys-from-archive and --public-keys exclude each other: choose one trust anchor")
        }
        guard let root = root ?? (trail.trailARN != nil ? "s3://" : nil) else {
            throw ValidationError("give ROOT (s3://BUCKET[/PREFIX] or a directory), or --trail-arn")
        }
        if keysFromArchive && S3Store.parse(url: root) != nil {
            throw ValidationError("--keys-from-archive is for a directory made by `trailproof archive`, not for s3://")
        }
        for signature in headSignatures {
            if let refusal = HeadSignatureValue.refusal(signature) { throw ValidationError(refusal) }
        }
    }

    @Option(help: ArgumentHelp(
        "Verify only what came after the previous run with this state file, proving the chains link on; the file is written (atomically) after the run.",
        valueName: "file"))
    var state: String?

    @Flag(help: "With --state: also list the verified past, compare each day folder with its fingerprint in the state, and verify again the days that changed.")
    var recheck = false

    /// The store to read, the public keys (the trust anchor), the engine options and the state
    /// file (locked) for this run.
    /// - Parameter held: the state file a previous round of the same process holds (follow mode).
    func resolve(holding held: StateFile? = nil) throws -> (store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions, stateFile: StateFile?) {
        // With --trail-arn, DescribeTrails says where the trail delivers and which chains are its own.
        let selection = try trail.selection(http: try aws.client())
        guard let root = root ?? selection?.trail.url else { throw ValidationError("give ROOT or --trail-arn") }
        let s3Location = S3Store.parse(url: root)
        var options = common.verificationOptions(defaultWorkers: s3Location != nil ? 32 : VerificationOptions.defaultWorkers,
                                                 remote: s3Location != nil)
        options.bucket = bucket ?? selection?.trail.bucket
        options.headSignatures = headSignatures
        options.trailSelection = selection

        let store: ObjectStore
        var heldState: StateFile?
        var (keys, sources) = try KeyFiles.load(common.publicKeys)
        if let location = s3Location {
            let http = try aws.client()
            let stateFile = try held ?? state.map { try StateFile(path: $0, source: "s3://\(location.bucket)/\(location.prefix)") }
            options.verifiedHeads = stateFile?.state.heads ?? [:]
            let s3 = S3Store(bucket: location.bucket, prefix: location.prefix, client: AWSOptions.s3Client(http),
                             listFrom: Self.listFrom(start: options.start, heads: options.verifiedHeads))
            heldState = stateFile
            options.bucket = options.bucket ?? location.bucket
            options.observedAt = Observation(time: .now, isLive: true)
            var keyRegions: [String] = []
            if common.publicKeys.isEmpty {
                let windows = try PublicKeyFetch.windows(for: s3, options: options)
                keys = try PublicKeyFetch(api: CloudTrailPublicKeys(http: http)).fetch(windows)
                keyRegions = windows.keys.sorted()
                sources = [.listPublicKeys(regions: keyRegions)]
            }
            options.authorities = AWSOptions.authorities(http.environment, bucket: location.bucket, keyRegions: keyRegions)
            store = s3
        } else {
            var directory = try DirectoryStore(root: root)
            heldState = try held ?? state.map { try StateFile(path: $0, source: directory.displayName) }
            options.verifiedHeads = heldState?.state.heads ?? [:]
            // With a state, the listing starts at the oldest head's day, as on S3 (--start does not
            // window a directory: an archive's claim is checked against everything it holds).
            directory.listFrom = Self.listFrom(start: nil, heads: options.verifiedHeads)
            if keysFromArchive {
                guard let path = try directory.path(for: ArchiveManifest.keysFileName) else {
                    throw ValidationError("--keys-from-archive: \(root) holds no \(ArchiveManifest.keysFileName)")
                }
                (keys, sources) = try KeyFiles.load([path], fromArchive: true)
            } else if common.publicKeys.isEmpty {
                throw ValidationError("no public keys: give --public-keys FILE (save them with `trailproof keys` or `aws cloudtrail list-public-keys … > keys.json`), or --keys-from-archive to trust the keys saved inside an archive")
            }
            let (claim, findings) = ArchiveManifest.claim(in: directory, givenKeys: keysFromArchive ? PublicKeyRing() : keys)
            options.priorFindings = findings
            if let claim {
                options.archiveClaim = claim
                options.observedAt = Observation(time: claim.createdAt, isLive: false)
                if options.bucket == nil {
                    options.bucket = claim.bucket
                    options.bucketFromManifest = true
                }
            }
            store = directory
        }
        options.publicKeySources = sources
        return (store, keys, options, heldState)
    }

    /// The day a listing may start at: a day before --start (the predecessor of the oldest digest
    /// in scope, and older digests that show a restart, must be seen), and the delivery deadline
    /// before the oldest head of a state (older objects were verified before; a log file
    /// delivered just before a head may still be listed by the digest after it). Nil lists everything.
    static func listFrom(start: UTCTime?, heads: [ObjectKey: TrailState.Head]) -> UTCTime? {
        let fromStart = start?.adding(seconds: -S3Store.listingMargin)
        let fromHeads = heads.values.map(\.endTime).min()?.adding(seconds: -VerificationOptions.digestDeliveryDeadline)
        return [fromStart, fromHeads].compactMap { $0 }.min()
    }

    /// Verifies the run resolved from these inputs; with --recheck, also re-verifies the past day
    /// folders whose fingerprint changed since the state recorded them. Returns the (merged)
    /// report, the chains' next heads and the day fingerprints to save.
    /// With `printer` (not with --recheck), what each batch finds is printed as soon as it is found.
    func verifyRound(store: ObjectStore, keys: PublicKeyRing, options: VerificationOptions, stateFile: StateFile?,
                     consumer: (any VerifiedLogFileConsumer)? = nil, printer: PartPrinter? = nil) throws
        -> (report: VerificationReport, heads: [ObjectKey: TrailState.Head], days: [ObjectKey: String]) {
        var (report, heads) = try common.verifyWithHeads(store, keys: keys, options: options, consumer: consumer,
                                                          printer: recheck ? nil : printer)
        guard recheck, let stateFile else { return (report, heads, stateFile?.state.days ?? [:]) }
        // The whole listing, not the windowed one: the past is what is checked here.
        let pastStore: ObjectStore
        if let s3 = store as? S3Store {
            pastStore = S3Store(bucket: s3.bucket, prefix: s3.prefix, client: s3.client)
        } else if var directory = store as? DirectoryStore {
            directory.listFrom = nil
            pastStore = directory
        } else {
            pastStore = store
        }
        let objects = try pastStore.listObjects()
        let current = DayFingerprints.compute(objects, heads: stateFile.state.heads)
        let changed = DayFingerprints.changedDays(stored: stateFile.state.days, current: current)
        var keepStored = false
        if let first = changed.first, let last = changed.last {
            var past = options
            past.verifiedHeads = [:]
            past.start = first.start
            past.end = last.end.adding(seconds: -3600)
            past.priorFindings = []
            let recheckReport = try common.verify(pastStore, keys: keys, options: past)
            report = report.adding(recheck: recheckReport, days: changed)
            if recheckReport.totals.exitStatus != 0 {
                // A changed past keeps the heads and the old fingerprints: it is checked, and
                // reported, again next time, until it is resolved.
                heads = stateFile.state.heads
                keepStored = true
            }
        }
        var days = DayFingerprints.compute(objects, heads: heads)
        if keepStored {
            for key in Set(days.keys).union(stateFile.state.days.keys) where days[key] != stateFile.state.days[key] {
                days[key] = stateFile.state.days[key]
            }
        }
        return (report, heads, days)
    }
}

