import Testing
import TrailproofNative
@testable import TrailproofKit

/// Workers' decoders share a budget for their output buffers, so that many S3 transfers in
/// flight do not each hold 256 KiB.
@Suite struct GunzipStateTests {
    @Test func outputBuffersShareTheBudgetFrom16To256KiB() {
        #expect(GunzipState.outputChunkSize(workers: 1) == 256 << 10)
        #expect(GunzipState.outputChunkSize(workers: 16) == 256 << 10)
        #expect(GunzipState.outputChunkSize(workers: 32) == 128 << 10)
        #expect(GunzipState.outputChunkSize(workers: 128) == 32 << 10)
        #expect(GunzipState.outputChunkSize(workers: 256) == 16 << 10)
        #expect(GunzipState.outputChunkSize(workers: 10_000) == 16 << 10)
        // At the most workers a run allows, the buffers stay within the budget.
        #expect(GunzipState.outputChunkSize(workers: VerificationOptions.maximumWorkers) * VerificationOptions.maximumWorkers
            <= GunzipState.outputBudget)
    }

    @Test func aSmallOutputBufferStillDecodesAFileManyTimesItsSize() throws {
        // 1 MiB that compresses well: one compressed chunk fills the 16 KiB buffer many times over.
        let content = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251 == 0 ? $0 / 251 : 65) }
        let compressed = try Gzip.compress(content)
        let state = try GunzipState(workers: 256)
        var output: [UInt8] = []
        try compressed.withUnsafeBytes { bytes in
            try state.decoder.feed(bytes) { output.append(contentsOf: $0) }
        }
        try state.decoder.finish()
        #expect(output == content)
    }
}
