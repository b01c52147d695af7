/// Signatures that came with the GetObject responses of the last few objects read, so that
/// reading a digest and then asking for its signature costs one request, not a GET and a HEAD.
///
/// Each is handed out once (`take`): the load that read the digest asks for it right after, and
/// a later ask sends a HeadObject. At most `capacity` are held, the oldest dropped first, so that
/// what is read and never asked for (a cut location reads each digest a second time, for its
/// list) does not pile up with the trail: keeping every signature seen cost about a kilobyte for
/// each of a location's 2,500 digests.
struct RecentSignatures {
    /// Eight times the digests read at once, so that a load finds the signature of its own read.
    static let capacity = 8 * VerificationOptions.maximumDigestWorkers

    private var byKey: [ObjectKey: (signature: SavedSignature, serial: Int)] = [:]
    /// Keys in the order they were kept, with the serial each was kept under.
    private var order: [(key: ObjectKey, serial: Int)] = []
    private var oldest = 0
    private var nextSerial = 0

    /// How many are held.
    var count: Int { byKey.count }

    /// Keeps `signature` for `key` (replacing one kept before), dropping the oldest beyond `capacity`.
    mutating func keep(_ signature: SavedSignature, for key: ObjectKey) {
        nextSerial += 1
        byKey[key] = (signature, nextSerial)
        if order.count < Self.capacity {
            order.append((key, nextSerial))
            return
        }
        // The ring is full: its oldest slot is dropped (unless its key was kept again since).
        let dropped = order[oldest]
        if byKey[dropped.key]?.serial == dropped.serial { byKey[dropped.key] = nil }
        order[oldest] = (key, nextSerial)
        oldest = (oldest + 1) % Self.capacity
    }

    /// The signature kept for `key`, if any, no longer kept.
    mutating func take(_ key: ObjectKey) -> SavedSignature? {
        byKey.removeValue(forKey: key)?.signature
    }
}
