import ArgumentParser
import TrailproofKit

extension RunPlanError {
    /// The rule the request broke, in the command line's terms (the library names no flag).
    var usageError: ValidationError {
        switch self {
        case .noTrustAnchor:
            return ValidationError("no public keys: give --public-keys FILE (save them with `trailproof keys` or `aws cloudtrail list-public-keys … > keys.json`), or --keys-from-archive to trust the keys saved inside an archive")
        case .twoTrustAnchors:
            return ValidationError("--keys-from-archive and --public-keys exclude each other: choose one trust anchor")
        case .archiveKeysNotFromDirectory:
            return ValidationError("--keys-from-archive is for a directory made by `trailproof archive`, not for s3://")
        case .archiveHoldsNoKeys(let source):
            return ValidationError("--keys-from-archive: \(source) holds no \(ArchiveManifest.keysFileName)")
        case .noServices:
            return ValidationError("an s3:// source needs AWS settings (--region, --profile, credentials)")
        case .recheckWithoutState:
            return ValidationError("--recheck goes with --state FILE")
        case .shardWithoutRunID:
            return ValidationError(ShardError.noRunID.text(.commandLine))
        case .shardWithState:
            return ValidationError("--shard and --state cannot go together: a state follows whole chains from run to run")
        case .shardWithHeadSignatures:
            return ValidationError("--shard and --head-signature cannot go together: each signature is matched against the newest unsigned digest of every chain at once, and a shard holds only some chains; verify whole, or save each newest digest's metadata beside it as KEY.metadata.json")
        case .shardOfAnArchive:
            return ValidationError("--shard: this archive's manifest makes claims about every chain at once; verify it whole")
        case .shardWithoutReferenceTime:
            return ValidationError("--shard over s3:// needs --reference-time TIME (or \(ShardRun.referenceTimeVariable)): the run's clock, chosen when the run is planned and the same for every shard, so that shards started at different times judge the bucket alike")
        case .referenceTimeForCopy:
            return ValidationError("--reference-time (or \(ShardRun.referenceTimeVariable)) is for s3://: a directory's reference time is --end or its archive manifest's creation time")
        case .referenceTimeInFuture(let time):
            return ValidationError("--reference-time \(time.iso8601) is later than this machine's clock")
        case .windowReversed:
            return ValidationError("--end is before --start")
        }
    }
}
