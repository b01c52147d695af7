#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process's worker threads: one pool of long-lived threads that every parallel piece of the
/// engine runs on (`parallelMap`, `Prefetch`, `pipelined`, a record sink's sender). A thread is
/// started the first time the work in progress needs one more than the pool has, and from then
/// on waits, idle, for the next task; it never ends. So a run starts threads once, up to the most
/// it ever runs at once, not once per batch, per call or per prefetch.
///
/// Every task handed to the pool starts at once, on an idle thread or on a new one: the pool
/// never queues a task behind others. That is what makes nested waits safe. Work here waits on
/// other pooled work (a batch produced by `pipelined` prefetches its next listing, hashes on
/// `workers` threads and waits for them; a hashing prefetch does the same), and a pool with a
/// fixed number of threads deadlocks as soon as every thread waits on a task still in its queue.
/// Sizing such a pool for the nesting would mean knowing the nesting here; growing on demand
/// sizes it for what the callers actually run at once. The bounds stay the callers': `run(n, …)`
/// uses exactly `n` threads (a run's `workers`, S3 transfers in flight), `pipelined` its
/// `inFlight`, so the pool's size is at most the sum of the bounds of what is nested, the same
/// threads the engine ran when it started them per call, only now started once.
///
/// Where no thread can be started (the system's limit), the work runs on the calling thread.
public enum WorkerPool {
    /// Runs `body` on `count` pooled threads at once and returns when every one has finished
    /// (`body` never outlives the call). One or fewer: runs it on the calling thread.
    public static func run(_ count: Int, _ body: @Sendable () -> Void) {
        if count <= 1 {
            body()
            return
        }
        withoutActuallyEscaping(body) { body in
            var started: [PooledTask] = []
            for _ in 0..<count {
                if let task = start(body) {
                    started.append(task)
                } else {
                    // No thread to be had: do this share of the work on the calling thread.
                    body()
                }
            }
            for task in started { task.join() }
        }
    }

    /// Starts `body` on a pooled thread; nil when none can be had (then nothing runs). Join the
    /// task before anything `body` uses goes away.
    public static func start(_ body: @escaping @Sendable () -> Void) -> PooledTask? {
        let task = PooledTask(body)
        return ThreadPool.shared.hand(task) ? task : nil
    }

    /// Threads started so far (all of them still in the pool).
    public static var threadCount: Int { ThreadPool.shared.threadCount }
}

/// A task handed to `WorkerPool.start`: `join` waits for it to finish.
public final class PooledTask: @unchecked Sendable {
    private let monitor = Monitor()
    private var body: (@Sendable () -> Void)?
    private var finished = false

    fileprivate init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    /// Runs the body (on a pooled thread) and wakes whoever joins.
    fileprivate func perform() {
        var body = monitor.withLock { () -> (@Sendable () -> Void)? in
            defer { self.body = nil }
            return self.body
        }
        body?()
        // Let go of the body before anyone joining goes on: `run`'s body must not outlive it.
        body = nil
        monitor.withLock {
            finished = true
            monitor.broadcast()
        }
    }

    /// Waits for the task to finish. Any number of times, from any thread.
    public func join() {
        monitor.withLock { monitor.wait(until: { finished }) }
    }
}

/// The threads, and the tasks handed to idle ones.
private final class ThreadPool: @unchecked Sendable {
    static let shared = ThreadPool()

    private let monitor = Monitor()
    /// Tasks handed over and not yet taken; never more than `idle`.
    private var handedOver: [PooledTask] = []
    private var idle = 0
    private var started = 0

    var threadCount: Int { monitor.withLock { started } }

    /// Gives `task` to an idle thread, or to a new one; false when there is neither.
    func hand(_ task: PooledTask) -> Bool {
        let toIdle = monitor.withLock {
            guard idle > handedOver.count else { return false }
            handedOver.append(task)
            monitor.signal()
            return true
        }
        if toIdle { return true }
        guard startThread(first: task) else { return false }
        monitor.withLock { started += 1 }
        return true
    }

    /// A thread's life: its first task, then whatever it is handed, forever.
    private func serve(first: PooledTask) {
        var task = first
        while true {
            task.perform()
            task = monitor.withLock {
                idle += 1
                monitor.wait(until: { !handedOver.isEmpty })
                idle -= 1
                return handedOver.removeFirst()
            }
        }
    }

    private func startThread(first: PooledTask) -> Bool {
        let context = Unmanaged.passRetained(ThreadStart(pool: self, first: first)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            let start = Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue()
            start.pool.serve(first: start.first)
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            return false
        }
        return true
    }
}

private final class ThreadStart: @unchecked Sendable {
    let pool: ThreadPool
    let first: PooledTask
    init(pool: ThreadPool, first: PooledTask) { (self.pool, self.first) = (pool, first) }
}
