/// The consumer that makes a run's report from its parts (`RunPartConsumer`): their records in the
/// report's orders, their notices once each, the latest reference time, and the totals, counted
/// once, here, from the records and what the parts counted without listing.
public final class ReportAssembler: RunPartConsumer {
    private var first: VerificationReport?
    private var chains: [ChainSummary] = []
    private var digests: [DigestRecord] = []
    private var logFiles: [LogFileRecord] = []
    private var gaps: [GapRecord] = []
    private var objects: [ObjectRecord] = []
    private var notices: [Notice] = []
    private var referenceTimes: [UTCTime] = []
    private var outOfScope = 0
    private var beforeHeads: [UTCTime: Int] = [:]
    private var unlisted = UnlistedValidRecords()
    private var shard: ShardRecord?
    /// The report, once the run is over (`finish(shard:)`).
    public private(set) var report: VerificationReport?

    /// An assembler with no part yet.
    public init() {}

    public func consume(_ part: RunPart) throws {
        add(part)
    }

    public func finish(shard: ShardRecord?) throws {
        self.shard = shard
        report = assembled()
    }

    /// Takes in `part` (parts are disjoint: no record is in two).
    func add(_ part: RunPart) {
        let findings = part.findings
        if first == nil { first = findings }
        chains += findings.chains
        digests += findings.digests
        gaps += findings.gaps
        objects += findings.objects
        notices += findings.notices
        logFiles += findings.logFiles
        if let time = findings.scope.referenceTime { referenceTimes.append(time) }
        outOfScope += part.logFilesOutOfScope
        beforeHeads.merge(part.logFilesBeforeHeads, uniquingKeysWith: +)
        unlisted.add(part.unlistedValid)
    }

    /// The report of every part taken in.
    func assembled() -> VerificationReport {
        guard var report = first else { preconditionFailure("no parts to assemble") }
        let names = report.inputNames
        report.chains = chains.sorted { $0.chain < $1.chain }
        report.digests = VerificationReport.sortedDigests(digests)
        report.logFiles = VerificationReport.oneRecordPerUnverifiedLogFile(VerificationReport.sortedLogFiles(logFiles))
        report.gaps = VerificationReport.sortedGaps(gaps)
        // Parts may each find the same thing about an object (an archive folder outside its prefix).
        var seen: Set<ObjectKey> = []
        report.objects = VerificationReport.sortedObjects(objects).filter { seen.insert(ObjectKey("\($0.key)\u{0}\($0.verdict.rawValue)\u{0}\($0.detail)")).inserted }
        report.notices = Notice.ordered(notices + (outOfScope > 0 ? [.logFilesOutOfScope(count: outOfScope)] : []), names: names)
        report.scope.referenceTime = referenceTimes.max()
        report.verdict = nil  // made from the records when written
        report.totals = VerificationReport.Totals(chains: report.chains, digests: report.digests, logFiles: report.logFiles, gaps: report.gaps,
                                                  objects: report.objects, logFilesOutOfScope: outOfScope, gapsAllowed: report.scope.gapsAllowed,
                                                  unlistedValid: unlisted)
        report.shard = shard
        report.logFilesOutOfScopeBeforeHeads = beforeHeads
        return report
    }
}
