import Foundation
import Testing
@testable import TrailproofKit
import TrailproofNative
import TrailproofTrailGen

/// `trailproof verify-query-results s3://…`: a Lake export in moto, keys from the stand-in's
/// ListPublicKeys in the sign file's own region.
@Suite(.enabled(if: S3TestServers.available, "run through scripts/test, which starts moto and the CloudTrail stand-in"))
struct QueryResultsOverS3Tests {
    /// A trail bucket that also holds a query export signed in eu-west-2.
    static func prepare(_ label: String, tamper: (GeneratedQueryResults) throws -> Void = { _ in }) throws -> (S3Trail, GeneratedQueryResults) {
        let trail = try S3Trail(label) { $0.hours = 2 }
        var spec = QueryResultsSpec()
        spec.region = "eu-west-2"
        spec.files = 4
        spec.keyIndex = 2
        let results = try QueryResultsGenerator.generate(spec, bucket: trail.bucket, into: trail.scratch.path)
        try tamper(results)
        try trail.upload()
        let json = try JSONSerialization.jsonObject(with: Data(try LocalFile.readAll(results.publicKeysFile, limit: 1 << 20)))
        try trail.registerKeys(((json as? [String: Any])?["PublicKeyList"] as? [[String: Any]]) ?? [], region: "eu-west-2")
        return (trail, results)
    }

    @Test func anExportInS3VerifiesWithTheSignFileRegionsKeys() throws {
        let (trail, results) = try Self.prepare("lake-valid")
        defer { trail.remove() }
        let run = try trail.trailproof(["verify-query-results", "s3://\(trail.bucket)/\(results.folderKey)", "--region", "us-east-1"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("4/4 result files valid"), "\(run)")
        #expect(run.stdout.contains("Public keys from: CloudTrail ListPublicKeys in eu-west-2"), "\(run)")
        // The authorities the run trusted: here stand-ins for S3 and CloudTrail, said in words.
        #expect(run.stdout.contains("Endpoints: "), "\(run)")
        #expect(run.stdout.contains("WARNING: endpoint override: "), "\(run)")
        let calls = try trail.cloudTrailRequests().filter { $0.operation == "ListPublicKeys" }
        #expect(calls.map(\.region) == ["eu-west-2"])
    }

    @Test func everyProblemInS3IsReportedWithItsURL() throws {
        let (trail, results) = try Self.prepare("lake-tampered") { results in
            try results.modifyFile(results.fileNames[1])
            try results.delete(results.fileNames[3])
            try results.plant("result_5.csv.gz")
        }
        defer { trail.remove() }
        let base = "s3://\(trail.bucket)/\(results.folderKey)"
        let run = try trail.trailproof(["verify-query-results", base, "--format", "json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("trailproof: result-file modified: \(base)\(results.fileNames[1])"), "\(run)")
        #expect(run.stderr.contains("trailproof: result-file missing: \(base)\(results.fileNames[3])"), "\(run)")
        #expect(run.stderr.contains("trailproof: result-file unlisted: \(base)result_5.csv.gz"), "\(run)")
        let report = try JSONDecoder().decode(QueryResultsReport.self, from: Data(run.stdout.utf8))
        #expect(report.signFile.verdict == .valid)
        #expect(report.totals.findings == 3)
        let services = Set((report.authorities?.endpoints ?? []).map(\.service))
        #expect(services.isSuperset(of: ["s3", "cloudtrail"]), "\(String(describing: report.authorities))")
    }

    @Test func keysThatDoNotSignTheExportAreAFindingNotAnError() throws {
        let (trail, results) = try Self.prepare("lake-wrong-keys")
        defer { trail.remove() }
        let run = try trail.trailproof(["verify-query-results", "s3://\(trail.bucket)/\(results.folderKey)", "--public-keys", trail.trail.publicKeysFile])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("sign-file public-key-not-found"), "\(run)")
    }

    @Test func keysEndingInSlashUnderTheFolderAreUnlistedFindings() throws {
        let (trail, results) = try Self.prepare("lake-slash-keys")
        defer { trail.remove() }
        let client = S3Client(http: AWSHTTPClient(environment: trail.awsEnvironment()))
        try client.putObject(bucket: trail.bucket, key: results.folderKey + "x/", body: Array("planted rows".utf8), contentType: "text/csv")
        try client.putObject(bucket: trail.bucket, key: results.folderKey + "nested/y/", body: [], contentType: "application/x-directory")
        let base = "s3://\(trail.bucket)/\(results.folderKey)"
        let run = try trail.trailproof(["verify-query-results", base, "--format", "json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("trailproof: result-file unlisted: \(base)x/"), "\(run)")
        #expect(run.stderr.contains("trailproof: result-file unlisted: \(base)nested/y/"), "\(run)")
        let report = try JSONDecoder().decode(QueryResultsReport.self, from: Data(run.stdout.utf8))
        #expect(report.signFile.verdict == .valid)
        #expect(report.totals.filesByVerdict == ["valid": 4, "unlisted": 2])
        #expect(report.folder?.verdict == .consistent)
    }
}
