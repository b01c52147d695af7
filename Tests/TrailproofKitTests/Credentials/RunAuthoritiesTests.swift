import Foundation
import Testing
@testable import TrailproofKit
import TrailproofTrailGen

@Suite struct RunAuthoritiesTests {
    @Test func onlyHTTPSOnAWSDomainsIsAWSsOwn() {
        for url in ["https://cloudtrail.eu-west-1.amazonaws.com/", "https://bucket.s3.amazonaws.com/", "https://sts.cn-north-1.amazonaws.com.cn",
                    "https://s3.dualstack.us-east-1.api.aws/"] {
            #expect(RunAuthorities.isAWSOwned(url), "\(url)")
        }
        for url in ["http://cloudtrail.eu-west-1.amazonaws.com/", "https://amazonaws.com.evil.example/", "https://evilamazonaws.com/",
                    "http://127.0.0.1:9000", "https://minio.internal/", "not a url"] {
            #expect(!RunAuthorities.isAWSOwned(url), "\(url)")
        }
    }

    @Test func anOverrideIsFlaggedAndWarnedInWords() {
        let aws = RunAuthorities(endpoints: [.init(service: "s3", url: "https://b.s3.amazonaws.com/"),
                                             .init(service: "cloudtrail", url: "https://cloudtrail.us-east-1.amazonaws.com/")],
                                 credentialSource: "sso profile audit", callerARN: "arn:aws:sts::111122223333:assumed-role/Auditor/me",
                                 callerAccount: "111122223333")
        #expect(!aws.endpointOverride && aws.overrideWarning == nil)
        #expect(aws.identityText == "arn:aws:sts::111122223333:assumed-role/Auditor/me (account 111122223333), credentials from sso profile audit")
        let swapped = RunAuthorities(endpoints: aws.endpoints + [.init(service: "cloudtrail", url: "http://keys.example:8080/")],
                                     credentialSource: "environment")
        #expect(swapped.endpointOverride)
        #expect(swapped.overrideWarning?.hasPrefix("WARNING: endpoint override: cloudtrail at http://keys.example:8080/ is not AWS's own") == true)
    }

    @Test func shardsSigningAsDifferentRoleSessionsStillMergeButNotWithDifferentEndpoints() throws {
        let scenario = try TrailScenario("authorities-merge") { $0.hours = 3; $0.accounts = ["111122223333", "444455556666"] }
        defer { scenario.scratch.remove() }
        let endpoints: [RunAuthorities.Endpoint] = [.init(service: "s3", url: "https://b.s3.amazonaws.com/")]
        let shards = try (0..<2).map { index in
            var shard = try scenario.verify {
                $0.shard = Shard(index: index, count: 2)
                $0.runID = "run-1"
            }
            // As each shard's services would have named them.
            shard.scope.authorities = RunAuthorities(endpoints: endpoints, credentialSource: "container credentials",
                                                     callerARN: "arn:aws:sts::111122223333:assumed-role/trailproof/child-\(index)", callerAccount: "111122223333")
            return shard
        }
        let merged = try ReportMerge.merge(shards)
        #expect(merged.scope.authorities?.callerARN == "arn:aws:sts::111122223333:assumed-role/trailproof/child-0")
        var elsewhere = shards[1]
        elsewhere.scope.authorities?.endpoints = [.init(service: "s3", url: "http://127.0.0.1:9000/")]
        #expect(throws: MergeError.self) { try ReportMerge.merge([shards[0], elsewhere]) }
    }
}

@Suite struct RunAuthoritiesReportTests {
    static func report() -> VerificationReport {
        var report = MarkdownReportTests.floodedReport()
        report.scope.authorities = RunAuthorities(
            endpoints: [.init(service: "s3", url: "https://b.s3.amazonaws.com/"), .init(service: "cloudtrail", url: "http://keys.example:8080/")],
            credentialSource: "web identity", callerARN: "arn:aws:sts::111122223333:assumed-role/irsa/pod", callerAccount: "111122223333")
        return report
    }

    @Test func theHTMLCustodyAndTheMarkdownSummaryNameTheAuthorities() {
        let run = RunRecord(commandLine: ["trailproof"], startedAt: UTCTime(secondsSinceEpoch: 0), endedAt: UTCTime(secondsSinceEpoch: 1),
                            host: "h", jsonReportSHA256: "00", jsonReportPath: nil)
        let html = String(decoding: HTMLReport.render(Self.report(), run: run), as: UTF8.self)
        let markdown = String(decoding: MarkdownReport.render(Self.report()), as: UTF8.self)
        for text in [html, markdown] {
            #expect(text.contains("arn:aws:sts::111122223333:assumed-role/irsa/pod (account 111122223333), credentials from web identity"))
            #expect(text.contains("endpoint override: cloudtrail at http://keys.example:8080/ is not AWS"))
        }
        #expect(html.contains("Endpoints that answered"))
        let plain = String(decoding: MarkdownReport.render(MarkdownReportTests.floodedReport()), as: UTF8.self)
        #expect(!plain.contains("Signed in as") && !plain.contains("endpoint override"))
    }
}
