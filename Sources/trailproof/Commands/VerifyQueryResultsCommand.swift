import ArgumentParser
import FoundationEssentials
import TrailproofKit
import Synchronization
import TrailproofNative

/// `trailproof verify-query-results`: verifies a CloudTrail Lake query export (sign file and results).
struct VerifyQueryResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-query-results",
        abstract: "Verify CloudTrail Lake query results: the sign file's signature and every result file.",
        discussion: """
            SOURCE is the query's folder: s3://BUCKET/PREFIX/ (…/CloudTrail-Lake/Query/YYYY/MM/DD/QUERY-ID/) \
            or a local directory holding result_sign.json and the result files. Checks the sign \
            file's SHA256withRSA signature over the result files' hashes with the sign file \
            region's key valid at queryCompleteTime (--public-keys, else ListPublicKeys in that \
            region), each result file's SHA-256 over its stored bytes, and that the folder holds \
            nothing the sign file does not list. Every problem is reported, not only the first. \
            Nothing the sign file lists is read before its signature verifies.

            CloudTrail signs only the result files' hashes: not the query id, not the folder, not \
            queryCompleteTime. A genuine export of another query moved into this folder cannot be \
            told apart by its signature. --query-id must be the folder's name (QUERY-ID), and the \
            folder's date (…/YYYY/MM/DD/QUERY-ID/) must be within a day of queryCompleteTime.

            EXIT STATUS
              0  the sign file and every result file verified
              1  an integrity problem: sign file missing, malformed, unsigned by a known key or
                 with an invalid signature; a result file missing, modified, unreadable, unlisted
                 or unverified; a folder date more than a day from queryCompleteTime
              2  usage or operational error (nothing in SOURCE, unusable key file, access denied,
                 --query-id not the folder's)
            """
    )

    @Argument(help: "s3://BUCKET/PREFIX/ of the query folder, or a directory holding result_sign.json and the result files.")
    var source: String

    @Option(name: .customLong("query-id"), help: ArgumentHelp(
        "The query whose results these are: it must be the folder's name (QUERY-ID), checked before anything is read.", valueName: "id"))
    var queryID: String?

    @OptionGroup var aws: AWSOptions

    @Option(name: .customLong("public-keys"), help: ArgumentHelp(
        "JSON printed by `aws cloudtrail list-public-keys` or `trailproof keys` (repeatable); default: ListPublicKeys in the sign file's region.",
        valueName: "file"))
    var publicKeys: [String] = []

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    /// Its report formats.
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Flag(name: .shortAndLong, help: "Print a line for every result file.")
    var verbose = false

    @Option(help: "Files read at once (1 to 256; default \(VerificationOptions.defaultS3Transfers) for S3, one per core for a directory).")
    var concurrency: Int?

    func validate() throws {
        if let concurrency, !(1...VerificationOptions.maximumWorkers).contains(concurrency) {
            throw ValidationError("--concurrency must be from 1 to \(VerificationOptions.maximumWorkers)")
        }
    }

    func run() throws {
        try Output.mappingOperationalErrors {
            // Key files are read (and refused) before anything else.
            let files = publicKeys.isEmpty ? nil : try TrustAnchor.resolve(files: publicKeys, windows: [:], api: CloudTrailPublicKeys(http: try aws.client()))
            let store: ObjectStore
            let folder: String
            var location: QueryFolder?
            var http: AWSHTTPClient?
            if let location = S3Store.parse(url: source) {
                let client = try aws.client()
                http = client
                store = S3Store(bucket: location.bucket, prefix: location.prefix, client: AWSOptions.s3Client(client))
                folder = location.prefix
            } else {
                store = try DirectoryStore(root: source)
                folder = ""
                // The directory's own name is the folder's (QUERY-ID), its parents the date.
                location = QueryFolder(path: URL(fileURLWithPath: source).standardizedFileURL.path)
            }
            let aws = self.aws, s3Client = http
            let keyRegions = Mutex<[String]>([])
            var report = try QueryResultsVerifier(store: store, folder: folder, location: location,
                                              workers: concurrency ?? (s3Client != nil ? VerificationOptions.defaultS3Transfers : VerificationOptions.defaultWorkers))
                .run(queryID: queryID) { region, completed in
                    if let files { return (files.ring, files.sources) }
                    // As the AWS CLI asks: from the completion time, 20 days on (and 2 h before it).
                    let span = TimeSpan(start: completed.adding(seconds: -2 * 3600), end: completed.adding(seconds: 20 * 86_400))
                    let anchor = try TrustAnchor.resolve(files: [], windows: [region: span],
                                                         api: CloudTrailPublicKeys(http: try s3Client ?? aws.client()))
                    keyRegions.withLock { $0.append(region) }
                    return (anchor.ring, anchor.sources)
                }
            // Over AWS, the report names the endpoints that answered and the identity used.
            let regions = keyRegions.withLock { $0 }
            if let environment = (http ?? (regions.isEmpty ? nil : try? aws.client()))?.environment {
                report.authorities = AWSOptions.authorities(environment, bucket: S3Store.parse(url: source)?.bucket, keyRegions: regions)
            }
            let text = QueryResultsTextReport(report, verbose: verbose && format == .text, names: .commandLine)
            Output.writeStandardError(text.problems)
            switch format {
            case .json: try StandardStream.output.write(try JSONReport.encode(report))
            case .text: try StandardStream.output.write(text.summary.joined(separator: "\n") + "\n")
            }
            if report.totals.exitStatus != 0 { throw ExitCode(Int32(report.totals.exitStatus)) }
        }
    }
}
