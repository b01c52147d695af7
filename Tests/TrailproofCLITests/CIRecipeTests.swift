import Foundation
import Testing

/// The CI recipes in docs/ci/ are run, not just written: scripts/check-ci-recipes.py parses each
/// as YAML and runs its shell steps in order, with the tarball scripts/package builds (or one made
/// of the build tree's binary where packaging was skipped), on the sample trail (every step exits 0)
/// and on a tampered copy (the verification exits 1, the report steps still run), then parses
/// every report the recipe uploads.
@Suite struct CIRecipeTests {
    static let root = BuiltBinary.packageRoot

    private func check(_ recipe: String) throws {
        var arguments = [Self.root + "/scripts/check-ci-recipes.py", "--sample", Self.root + "/Fixtures/sample-trail"]
        if case .success = PackagedArtifacts.unpacked {
            arguments += ["--dist", PackagedArtifacts.dist]
        } else {
            let binary = try #require(PackagedArtifacts.recipeBinary, "under CI the packaged binary must be there: \(PackagedArtifacts.skipReason)")
            arguments += ["--binary", binary]
        }
        let run = try BuiltBinary.run(program: "/usr/bin/env", ["python3"] + arguments + [Self.root + "/docs/ci/" + recipe], timeout: 600)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("all recipe checks passed") && !run.stdout.contains("FAIL"), "\(run)")
        #expect(run.stdout.contains("uploads reports"), "\(run)")
    }

    @Test func theGitHubActionsWorkflowRunsUploadsJUnitAndAppendsMarkdownToTheJobSummary() throws {
        let workflow = try String(contentsOfFile: Self.root + "/docs/ci/github-actions.yml", encoding: .utf8)
        #expect(workflow.contains("schedule:") && workflow.contains("cron:"), "a nightly schedule")
        #expect(workflow.contains("$GITHUB_STEP_SUMMARY"))
        try check("github-actions.yml")
    }

    @Test func theGitLabCIJobRunsAndReportsJUnit() throws {
        let job = try String(contentsOfFile: Self.root + "/docs/ci/gitlab-ci.yml", encoding: .utf8)
        #expect(job.contains("junit: reports/trailproof-junit.xml"))
        try check("gitlab-ci.yml")
    }
}
