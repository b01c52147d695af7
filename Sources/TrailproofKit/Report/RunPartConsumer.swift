/// Takes what a run finds, once, as it is found, as swift-format's `findingConsumer` or
/// ripgrep's `Sink` does: each part (a batch's findings, then what needs every batch, then what
/// belongs to no location), then the end of the run. The run's report is one consumer's work
/// (`ReportAssembler`); a command's streaming printer is another.
public protocol RunPartConsumer: AnyObject {
    /// One part, on the run's thread, as soon as it is found.
    func consume(_ part: RunPart) throws
    /// The run is over: every part was consumed. `shard` says which part of a sharded run this was.
    func finish(shard: ShardRecord?) throws
}

extension RunPartConsumer {
    /// Nothing to do at the end.
    public func finish(shard: ShardRecord?) throws {}
}
