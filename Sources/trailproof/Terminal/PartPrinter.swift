import TrailproofKit
import TrailproofNative

/// Prints what each finished batch of a run found as soon as it is found (a `RunPartConsumer`
/// beside the run's `ReportAssembler`): its finding lines on stderr and, with `--format ndjson`
/// on standard output, its records (the header and scope first). `ReportOutput.finish(with:streamed:)`
/// then prints what needs the whole run: notices, totals and the summary. A stream that ends
/// without its totals line is incomplete.
final class PartPrinter: RunPartConsumer {
    private let ndjson: Bool
    /// Called before a part is printed (to clear a progress line).
    var beforePrinting: (() -> Void)?
    private var wroteHeader = false
    /// The bucket of the first chain seen: the whole report names objects outside any chain
    /// with it, and so does a part that holds no chain.
    private var firstChainBucket: String?

    init(ndjson: Bool) {
        self.ndjson = ndjson
    }

    func consume(_ part: RunPart) throws {
        beforePrinting?()
        try print(part.findings)
    }

    private func print(_ part: VerificationReport) throws {
        firstChainBucket = firstChainBucket ?? part.chains.first?.bucket
        var named = part
        if named.chains.isEmpty { named.scope.bucket = named.scope.bucket ?? firstChainBucket }
        Output.writeStandardError(TextReport(named, verbose: false).findings)
        guard ndjson else { return }
        var bytes = wroteHeader ? [] : try NDJSONReport.header(part)
        wroteHeader = true
        bytes += try NDJSONReport.records(part)
        try bytes.withUnsafeBytes { try LocalFile.write($0, to: 1) }
    }
}
