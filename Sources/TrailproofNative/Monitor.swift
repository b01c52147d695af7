#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A lock with a condition: the one type for state that threads share and wait on (a pthread
/// mutex and condition variable, without Foundation).
///
/// Hold the lock with `withLock` (or `lock`/`unlock`); inside it, `wait()` lets the lock go until
/// another thread calls `signal()` or `broadcast()`, and takes it again before returning. A wait
/// can end without a signal (POSIX allows spurious wake-ups), so wait in a loop on the state it is
/// for, or use `wait(until:)`, which does. Not reentrant: a thread that holds the lock must not
/// take it again.
///
///     let monitor = Monitor()
///     var ready = false                      // guarded by monitor
///     monitor.withLock { ready = true; monitor.broadcast() }
///     monitor.withLock { monitor.wait(until: { ready }) }
public final class Monitor: @unchecked Sendable {
    // Allocated apart: a pthread object must not move, and Swift may move stored properties.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// Creates an unlocked monitor.
    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        guard pthread_mutex_init(mutex, nil) == 0, pthread_cond_init(condition, nil) == 0 else {
            fatalError("pthread_mutex_init or pthread_cond_init failed")
        }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Takes the lock, waiting for it if another thread holds it.
    public func lock() { pthread_mutex_lock(mutex) }

    /// Lets the lock go (call only while holding it).
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the lock.
    public func withLock<Value>(_ body: () throws -> Value) rethrows -> Value {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Lets the lock go and sleeps until signalled (or woken spuriously), then takes the lock
    /// again. Call only while holding the lock.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (as `wait()`, as often as needed) until `condition` holds; returns at once if it
    /// already does. Call only while holding the lock; `condition` runs holding it.
    public func wait(until condition: () throws -> Bool) rethrows {
        while try !condition() { wait() }
    }

    /// Wakes one waiting thread, if any (call holding the lock, after changing what it waits on).
    public func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiting thread (call holding the lock, after changing what they wait on).
    public func broadcast() { pthread_cond_broadcast(condition) }
}
