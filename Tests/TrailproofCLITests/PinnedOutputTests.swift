import Foundation
import Testing
import TrailproofNative
import TrailproofTestSupport
import TrailproofTrailGen

/// The whole output of the main CLI paths on the committed sample trail, pinned byte for byte
/// (exit status, stdout and stderr) in Tests/Fixtures/expected/*.txt, as swift-argument-parser's
/// `AssertExecuteCommand` does: any change of wording, order or count shows up as a diff.
///
/// After an intended change, re-pin and review:
///
///     TRAILPROOF_REPIN=1 swift test --skip-build --filter PinnedOutputTests
///     git diff Tests/Fixtures/expected
///
/// Each run works on a fresh copy of Fixtures/sample-trail, with relative paths from the copy's
/// folder (so no temporary path reaches the output). The only substitutions: the copy's folder,
/// should a report ever print it absolute, and the time of the run where a record carries it.
@Suite struct PinnedOutputTests {
    /// A copy of Fixtures/sample-trail in a scratch folder, which every run uses as its working directory.
    struct Sample {
        let scratch: ScratchDirectory
        /// Relative to `scratch`: the bucket copy and the key file.
        static let root = "sample-trail/trailproof-sample-bucket"
        static let keys = "sample-trail/public-keys.json"
        /// The flags every run on the sample gives.
        static let trust = ["--public-keys", keys, "--bucket", "trailproof-sample-bucket"]

        init(_ label: String) throws {
            scratch = try ScratchDirectory("pinned-\(label)")
            try FileManager.default.copyItem(atPath: BuiltBinary.packageRoot + "/Fixtures/sample-trail",
                                             toPath: scratch.path + "/sample-trail")
        }

        /// The absolute path of `relative` in the copy.
        func path(_ relative: String) -> String { scratch.path + "/" + relative }

        /// The copy's object keys under `folder` (CloudTrail or CloudTrail-Digest), sorted.
        func keys(in folder: String) throws -> [String] {
            let base = path(Self.root + "/AWSLogs/111122223333/" + folder)
            let enumerator = try #require(FileManager.default.enumerator(atPath: base))
            return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json.gz") }.sorted()
                .map { base + "/" + $0 }
        }

        /// `trailproof arguments…` from the copy's folder.
        func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessRun {
            try BuiltBinary.run(arguments, workingDirectory: scratch.path, sourceLocation: sourceLocation)
        }

        /// Compares `run` whole with Tests/Fixtures/expected/`name`.txt, after replacing the
        /// copy's folder and whatever `normalisation` replaces.
        func expect(_ run: ProcessRun, pinnedAs name: String, normalisation: OutputNormalisation = OutputNormalisation(),
                    sourceLocation: SourceLocation = #_sourceLocation) {
            let normalisation = normalisation.replacing(scratch.path, with: "$SAMPLE_COPY")
            let text = "$ trailproof \(run.arguments.joined(separator: " "))\nexit status \(run.status)\n"
                + "--- stdout\n\(run.stdout)--- stderr\n\(run.stderr)"
            ExpectedOutput.expect(normalisation.apply(text), equalsFile: name + ".txt", sourceLocation: sourceLocation)
        }

        func remove() { scratch.remove() }
    }

    @Test(arguments: [("verify-sample-text", [String]()), ("verify-sample-json", ["--format", "json"])])
    func verifyingTheSamplePrintsExactlyThis(_ name: String, _ format: [String]) throws {
        let sample = try Sample(name)
        defer { sample.remove() }
        let run = try sample.run(["verify", Sample.root] + Sample.trust + format)
        #expect(run.status == 0, "\(run)")
        sample.expect(run, pinnedAs: name)
    }

    @Test(arguments: [("verify-modified-log-file-text", [String]()), ("verify-modified-log-file-json", ["--format", "json"])])
    func aModifiedLogFileIsReportedExactlyThus(_ name: String, _ format: [String]) throws {
        let sample = try Sample(name)
        defer { sample.remove() }
        // The first log file, one byte of its content changed ("alice" becomes "alicf" once) and gzipped again.
        let logFiles = try sample.keys(in: "CloudTrail")
        #expect(logFiles.count == 53)
        let target = try #require(logFiles.first)
        let content = try Gzip.decompress(try LocalFile.readAll(target, limit: 1 << 24), limit: 1 << 26)
        let text = String(decoding: content, as: UTF8.self)
        let changed = try #require(text.range(of: "\"userName\":\""), "the log file names a user")
        var tampered = text
        tampered.replaceSubrange(changed, with: "\"userName\":\"x")
        try LocalFile.write(try Gzip.compress(Array(tampered.utf8)), to: target)

        let run = try sample.run(["verify", Sample.root] + Sample.trust + format)
        #expect(run.status == 1, "\(run)")
        sample.expect(run, pinnedAs: name)
    }

    @Test func aDeletedDigestIsReportedExactlyThus() throws {
        let sample = try Sample("deleted-digest")
        defer { sample.remove() }
        // The 12th of 24 digests, and its signature sidecar, removed.
        let digests = try sample.keys(in: "CloudTrail-Digest")
        #expect(digests.count == 24)
        try LocalFile.remove(digests[11])
        try? LocalFile.remove(digests[11] + ".metadata.json")

        let run = try sample.run(["verify", Sample.root] + Sample.trust)
        #expect(run.status == 1, "\(run)")
        sample.expect(run, pinnedAs: "verify-deleted-digest-text")
    }

    @Test func verifyHelpStartsWithThisUsage() throws {
        let sample = try Sample("help")
        defer { sample.remove() }
        let help = try sample.run(["verify", "--help"])
        #expect(help.status == 0, "\(help)")
        // Only the USAGE block: the option list is pinned by the man pages' tests.
        let lines = help.stdoutLines
        let start = try #require(lines.firstIndex { $0.hasPrefix("USAGE:") }, "\(help)")
        let end = lines[start...].firstIndex { $0.isEmpty } ?? lines.endIndex
        let usage = lines[start..<end].joined(separator: "\n") + "\n"
        let run = ProcessRun(program: help.program, arguments: help.arguments, status: help.status, signal: nil, timedOut: false,
                             stdoutBytes: Array(usage.utf8), stderrBytes: help.stderrBytes, seconds: help.seconds)
        sample.expect(run, pinnedAs: "verify-help-usage")
    }

    @Test func mergingTheSamplesShardsPrintsExactlyThis() throws {
        let sample = try Sample("merge")
        defer { sample.remove() }
        for index in 0..<2 {
            let shard = try sample.run(["verify", Sample.root] + Sample.trust
                + ["--shard", "\(index)/2", "--run-id", "pinned-run", "--report", "json=shard-\(index).json"])
            #expect(shard.status == 0, "\(shard)")
        }
        let run = try sample.run(["merge", "shard-1.json", "shard-0.json"])
        #expect(run.status == 0, "\(run)")
        sample.expect(run, pinnedAs: "merge-sample-shards-text")
    }

    @Test func recordsOfOneHourOfTheSampleAreExactlyThese() throws {
        let sample = try Sample("records")
        defer { sample.remove() }
        let run = try sample.run(["records", Sample.root] + Sample.trust
            + ["--start", "2026-01-08T05:00:00Z", "--end", "2026-01-08T05:00:00Z"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdoutLines.count == 5, "four records and the final newline")
        // Each record's provenance says when this run verified it.
        sample.expect(run, pinnedAs: "records-sample-one-hour",
                      normalisation: OutputNormalisation().replacingMatches(of: #""verifiedAt":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z""#,
                                                                            with: #""verifiedAt":"\$RUN_TIME""#))
    }
}
