import TrailproofKit

extension VerificationOptions {
    /// What `--list-valid` asks for: the report lists every valid digest and log file, not only
    /// counts them (the default, as in the CLI). For tests that look at valid records one by one.
    mutating func listEveryValidRecord() {
        listsValidLogFiles = true
        listsValidDigests = true
    }

    /// Default options listing every valid record (see `listEveryValidRecord`).
    static var listingEveryValidRecord: VerificationOptions {
        var options = VerificationOptions()
        options.listEveryValidRecord()
        return options
    }
}

extension RunRequest {
    /// Lists every valid record (see `VerificationOptions.listEveryValidRecord`).
    mutating func listEveryValidRecord() { policy.listEveryValidRecord() }
}
