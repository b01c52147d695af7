import TrailproofKit

extension MergeRequest.Input {
    /// Parses a `merge` argument: `-` (standard input), `s3://BUCKET/KEY`, or a file.
    init(argument: String) {
        if argument.utf8.elementsEqual("-".utf8) {
            self = .standardInput
        } else if let location = S3Store.parse(url: argument) {
            self = .s3(bucket: location.bucket, key: String(location.prefix.dropLast()))
        } else {
            self = .file(path: argument)
        }
    }
}
