/// Whether a command line reads over S3, where up to 256 transfers are in flight, each on a
/// thread of its own: `main` turns glibc's per-thread caches off for such a run
/// (`Allocator.restartWithoutThreadCaches`) and maps blocks from 128 KiB rather than 1 MiB
/// (`Allocator.mapAllocations`), and leaves a run over a directory (one thread per core,
/// CPU-bound) with its caches.
enum TransferRun {
    /// True when an argument names an S3 location (`s3://…`, as a source or where reports go) or
    /// a trail by ARN (`--trail-arn`, read from the trail's bucket).
    static func readsOverS3(_ arguments: [String]) -> Bool {
        arguments.dropFirst().contains { argument in
            let bytes = argument.utf8
            return bytes.starts(with: "s3://".utf8) || bytes.elementsEqual("--trail-arn".utf8) || bytes.starts(with: "--trail-arn=".utf8)
        }
    }
}
