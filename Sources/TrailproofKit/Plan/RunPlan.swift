/// Everything a run trusts and reads, decided once, before anything is verified: the source and
/// its listing window, the trust anchor (keys, where each came from, over which endpoint), the
/// bucket and who named it, the reference time, an archive's claims, the heads of earlier runs,
/// and the source's listing survey (which also gave the key windows). verify, records, archive
/// and merge's inputs all run from a plan; the report's scope and chain of custody are its
/// description.
///
/// `resolve` is the one place that applies the trust rules of docs/threat-model.md; a request
/// that breaks one is a `RunPlanError`, never a run that trusts less than it says.
public struct RunPlan: Sendable {
    /// The store read (windowed for the listing, when the window allows).
    public let store: any ObjectStore
    /// The keys and where they came from.
    public let trust: TrustAnchor
    /// What the run covers and believes besides the keys.
    public let scope: RunScope
    /// Policy and tuning.
    public let policy: VerificationOptions
    /// The request the plan was made for.
    public let request: RunRequest
    /// The first pass over the store's listing (nil until a store is listed: see `surveyed`).
    let survey: ListingSurvey?

    init(store: any ObjectStore, trust: TrustAnchor, scope: RunScope, policy: VerificationOptions, request: RunRequest,
         survey: ListingSurvey?) {
        self.store = store
        self.trust = trust
        self.scope = scope
        self.policy = policy
        self.request = request
        self.survey = survey
    }

    /// The same plan reading its objects through `store` (an archive copying as it reads): the
    /// listing already surveyed is the same source's.
    public func reading(through store: any ObjectStore) -> RunPlan {
        RunPlan(store: store, trust: trust, scope: scope, policy: policy, request: request, survey: survey)
    }

    /// The same plan with other policy (what is listed, how much runs at once).
    public func with(policy: VerificationOptions) -> RunPlan {
        RunPlan(store: store, trust: trust, scope: scope, policy: policy, request: request, survey: survey)
    }

    /// Verifies what the plan covers.
    /// - Parameters:
    ///   - consumer: takes every valid log file's content from verification's own read, in release order.
    ///   - progress: called from any thread as work advances.
    ///   - parts: take, on this thread, what each batch of locations found as soon as it is found
    ///     (`RunPartConsumer`); the report is made from the same parts by a `ReportAssembler`.
    /// - Returns: the report and each chain's head for the next run.
    public func verify(consumer: (any VerifiedLogFileConsumer)? = nil,
                       progress: (@Sendable (VerificationProgress) -> Void)? = nil,
                       parts: [any RunPartConsumer] = []) throws
        -> (report: VerificationReport, heads: [ObjectKey: TrailState.Head]) {
        try TrailVerifier(plan: self).runWithHeads(consumer: consumer, progress: progress, parts: parts)
    }
}
