import ArgumentParser
import FoundationEssentials
import TrailproofKit
import TrailproofNative

/// `trailproof keys`: saves CloudTrail's public keys for offline verification.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Save CloudTrail's public keys for a region and time range (list-public-keys shape).",
        discussion: """
            Calls CloudTrail's ListPublicKeys in --region for [--start, --end] and writes the \
            keys in the shape `aws cloudtrail list-public-keys` prints, for `trailproof verify \
            --public-keys`. Keys differ per region: save one file per region your trails \
            deliver from.
            """
    )

    @OptionGroup var aws: AWSOptions

    @Option(help: ArgumentHelp("Start of the range: ISO 8601 (no zone means UTC), a date or epoch seconds.", valueName: "time"))
    var start: String

    @Option(help: ArgumentHelp("End of the range: ISO 8601 (no zone means UTC), a date (the end of that day) or epoch seconds.", valueName: "time"))
    var end: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        let window = try RunOptions.window(start: start, end: end)
        if let start = window.start, let end = window.end, end < start { throw ValidationError("--end is before --start") }
        if aws.region == nil && ProcessInfo.processInfo.environment["AWS_REGION"] == nil
            && ProcessInfo.processInfo.environment["AWS_DEFAULT_REGION"] == nil {
            throw ValidationError("--region is required: CloudTrail signs each region's digests with that region's keys")
        }
    }

    func run() throws {
        try Output.mappingOperationalErrors {
            let http = try aws.client(endpointService: .cloudTrail)
            guard let region = http.environment.region, case let (start?, end?) = try RunOptions.window(start: start, end: end) else {
                throw ValidationError("--region, --start and --end are required")
            }
            let json = try CloudTrailPublicKeys(http: http).listPublicKeysJSON(region: region, start: start, end: end)
            if let output {
                try LocalFile.write(json + [UInt8(ascii: "\n")], to: output)
            } else {
                try StandardStream.output.write(json + [UInt8(ascii: "\n")])
            }
        }
    }
}
