#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on dedicated threads. Dispatch's concurrentPerform runs at most one iteration per
/// CPU, which is right for hashing but starves work that blocks on the network (S3 transfers).
public enum WorkerThreads {
    /// Runs `body` on `count` threads at once and returns when every one has finished (the
    /// threads are joined, so `body` never outlives the call).
    public static func run(_ count: Int, _ body: @Sendable () -> Void) {
        if count <= 1 {
            body()
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = ThreadBody(body)
            var threads: [pthread_t] = []
            for _ in 0..<count {
                var thread = pthread_t()
                let context = Unmanaged.passRetained(box).toOpaque()
                let created = pthread_create(&thread, nil, { context in
                    guard let context else { return nil }
                    Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().body()
                    return nil
                }, context)
                if created == 0 {
                    threads.append(thread)
                } else {
                    // No thread to be had: do this share of the work on the calling thread.
                    Unmanaged<ThreadBody>.fromOpaque(context).release()
                    body()
                }
            }
            for thread in threads { pthread_join(thread, nil) }
        }
    }
}

extension WorkerThreads {
    /// Starts `body` on a thread of its own; nil when no thread can be had. Join it before
    /// anything `body` uses goes away.
    public static func start(_ body: @escaping @Sendable () -> Void) -> StartedThread? {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            return nil
        }
        return StartedThread(thread)
    }
}

/// A thread from `WorkerThreads.start`.
public final class StartedThread: @unchecked Sendable {
    private let thread: pthread_t

    fileprivate init(_ thread: pthread_t) { self.thread = thread }

    /// Waits for the thread to finish. Call once.
    public func join() { pthread_join(thread, nil) }
}

private final class ThreadBody: @unchecked Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
