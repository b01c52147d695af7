import Testing
@testable import TrailproofKit

/// A location larger than a batch is verified with every digest held from its chain checks to
/// its last group of log files (2,500 digests for a quarter of one busy account and region), and
/// one group of log files at a time: what each digest keeps, and what a group leaves behind, is
/// what the run's memory grows with.
@Suite struct CutLocationRetentionTests {
    @Test func aCutLocationKeepsLittlePerDigestAndNothingPerGroup() throws {
        let scenario = try TrailScenario("cut-retention") { spec in
            spec.hours = 40  // from 04:21 on one day into the next two: three date folders
            spec.logFilesPerHour = 2...3
        }
        defer { scenario.scratch.remove() }
        let plan = try scenario.plan { $0.policy.batchObjectLimit = 1 }
        let verifier = TrailVerifier(plan: plan)
        let store = try scenario.store
        let survey = try ListingSurvey(store: store, selection: nil)
        let batches = LocationBatch.plan(survey.locations, counts: survey.countsByLocation, logFilesByDay: survey.logFilesByDay, objectLimit: 1)
        let batch = try #require(batches.first)
        #expect(batches.count == 1 && (batch.logDaySlices?.count ?? 0) >= 2, "the location is cut: \(batches)")
        let inventory = TrailInventory(keys: try batch.listKeys(in: store, spill: survey.spill)).restricted(to: Set(batch.locations), keepsOthers: false)

        let run = try verifier.verify(inventory, cutAt: batch, spill: survey.spill, consumer: nil, progress: nil)

        // Every digest is held, but without what only the chain checks needed: no link to its
        // predecessor (its signature is the check's), no saved signature, no log file list.
        #expect(run.loaded.count == scenario.digests.count)
        #expect(run.loaded.allSatisfy { $0.digest != nil && $0.digest?.previous == nil && $0.savedSignature == nil })
        #expect(run.loaded.allSatisfy { !$0.logFilesParsed && $0.digest?.logFiles.isEmpty == true })
        #expect(run.loaded.map { $0.digest?.logFileCount ?? 0 }.reduce(0, +) == scenario.trail.logFiles.count)
        #expect(run.indicesByNamedKey.isEmpty && run.successorsByPreviousKey.isEmpty)
        // Signatures the report and the next state need are still there (the chain verified).
        #expect(run.checks.allSatisfy { $0.verdict == .valid && $0.signatureHex != nil })
        // No group's log files stay behind: valid ones are counted, not listed.
        #expect(run.inventory.logFilesByLocation.values.allSatisfy { $0.isEmpty })
        #expect(run.logRecords.isEmpty)
        #expect(run.unlistedValid.logFiles == scenario.trail.logFiles.count)
    }
}
