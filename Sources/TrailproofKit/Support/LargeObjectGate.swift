import TrailproofNative

/// Lets one worker at a time hold a large object in memory.
///
/// Every worker may buffer up to `smallAllowance` bytes freely; a worker that needs more waits
/// for the gate and holds it until it is done with the object. A worker never waits while holding
/// the gate, so there is no deadlock, and the memory spent on buffered objects is bounded by
/// `workers × smallAllowance + the largest object accepted`, whatever the input.
public final class LargeObjectGate: @unchecked Sendable {
    /// Bytes a worker may hold without the gate.
    public let smallAllowance: Int
    private let monitor = Monitor()
    private var held = false

    /// Creates an open gate.
    public init(smallAllowance: Int) { self.smallAllowance = smallAllowance }

    /// Waits until the gate is free, then holds it.
    public func acquire() {
        monitor.withLock {
            monitor.wait(until: { !held })
            held = true
        }
    }

    /// Frees the gate.
    public func release() {
        monitor.withLock {
            held = false
            monitor.signal()
        }
    }
}

/// A buffer that takes the gate when it grows past the small allowance, and frees it when dropped.
final class GatedBuffer {
    private let gate: LargeObjectGate
    private let limit: Int
    private(set) var bytes: [UInt8] = []
    private var holdsGate = false

    init(gate: LargeObjectGate, limit: Int) {
        self.gate = gate
        self.limit = limit
    }

    /// Appends `chunk`; throws `DigestLoadError.tooLarge` past `limit`.
    func append(_ chunk: UnsafeRawBufferPointer) throws {
        guard bytes.count + chunk.count <= limit else { throw DigestLoadError.tooLarge(limit: limit) }
        if !holdsGate && bytes.count + chunk.count > gate.smallAllowance {
            gate.acquire()
            holdsGate = true
        }
        bytes.append(contentsOf: chunk)
    }

    /// Empties the buffer (a retried transfer starts again).
    func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Drops the bytes and frees the gate.
    func release() {
        bytes = []
        if holdsGate {
            holdsGate = false
            gate.release()
        }
    }

    deinit { release() }
}
