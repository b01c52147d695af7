extension VerificationReport {
    /// The window the run used, as every report prints it (`Scope.windowText(_:)`), its inputs
    /// named as the report's `inputNames` name them. A run that follows a state's heads asks
    /// only for what came after them, and says so (the log files before them are outside it).
    public var windowText: String {
        guard followsStateHeads else { return scope.windowText(inputNames) }
        if scope.start == nil && scope.end == nil { return "digests since each chain's head in the state (no \(inputNames.start) or \(inputNames.end))" }
        return scope.windowText(inputNames) + ", since each chain's head in the state"
    }

    /// True when some chain was verified through a head an earlier run recorded (a state).
    public var followsStateHeads: Bool { chains.contains { $0.verifiedThroughHead != nil } }
}

extension VerificationReport.Scope {
    /// The window the run used, as every report prints it: the times as resolved (a bare date
    /// for the end is the end of its day) and the digest end times that window took in, e.g.
    /// `2026-01-01T00:00:00Z to 2026-01-31T23:59:59Z (digests ending 2026-01-01T00:00:00Z to
    /// 2026-02-01T01:02:59Z)`; `all digests (no start time or end time)` without either.
    public func windowText(_ names: InputNames) -> String {
        let asked: String
        switch (start, end) {
        case let (start?, end?): asked = "\(start.iso8601) to \(end.iso8601)"
        case let (start?, nil): asked = "from \(start.iso8601)"
        case let (nil, end?): asked = "up to \(end.iso8601)"
        case (nil, nil): return "all digests (no \(names.start) or \(names.end))"
        }
        var digests: String
        switch (start, end?.adding(seconds: RunScope.digestReachAfterEnd)) {
        case let (start?, upper?): digests = "\(start.iso8601) to \(upper.iso8601)"
        case let (start?, nil): digests = "from \(start.iso8601)"
        case let (nil, upper?): digests = "up to \(upper.iso8601)"
        case (nil, nil): digests = ""
        }
        return "\(asked) (digests ending \(digests))"
    }
}
