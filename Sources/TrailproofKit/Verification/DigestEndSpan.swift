/// The digests whose end time lies in a half-open span (either side open), for a location whose
/// log files are checked a group of date folders at a time.
struct DigestEndSpan {
    var from: UTCTime?
    var to: UTCTime?

    /// Every digest.
    static let always = DigestEndSpan(from: nil, to: nil)

    func contains(_ time: UTCTime) -> Bool {
        (from.map { $0 <= time } ?? true) && (to.map { time < $0 } ?? true)
    }

    /// This span widened by `seconds` on each closed side.
    func widened(by seconds: Int64) -> DigestEndSpan {
        DigestEndSpan(from: from?.adding(seconds: -seconds), to: to?.adding(seconds: seconds))
    }
}
