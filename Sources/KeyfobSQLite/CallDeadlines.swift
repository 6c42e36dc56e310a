import Dispatch
import Metrics
import Synchronization

/// Answers every store call by its deadline, whatever SQLite is doing: a stalled fsync, a lock
/// held by another process, a disk that stopped answering. A timer sweeps the calls in flight
/// a few times a second and expires the overdue ones, so a call costs two short locked
/// dictionary updates rather than a timer or a task of its own.
final class CallDeadlines: Sendable {
    private struct Entry {
        let started: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    /// Every call's duration, and the calls answered at their deadline (docs/contract.md §9).
    private static let durations = Metrics.Timer(label: "keyfob_store_call_duration_seconds", dimensions: [("store", "sqlite")])
    private static let expired = Counter(label: "keyfob_store_call_failures_total", dimensions: [("store", "sqlite"), ("reason", "deadline")])

    private struct Calls {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
    }

    /// The longest one call may take.
    let timeout: Duration
    private let calls = Mutex(Calls())
    /// Touched only by `init` and `deinit`.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer

    /// Starts the sweep. `onSweep` runs on each tick too (the database file's identity check).
    init(timeout: Duration, sweepEvery interval: Duration = .milliseconds(100), onSweep: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "keyfob.sqlite.deadlines"))
        self.timer = timer
        let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            onSweep()
            let now = ContinuousClock.now
            let overdue = self.calls.withLock { calls in
                let expired = calls.entries.filter { $0.value.deadline <= now }
                for id in expired.keys { calls.entries.removeValue(forKey: id) }
                if !expired.isEmpty { Self.expired.increment(by: expired.count) }
                return expired.values.map(\.expire)
            }
            for expire in overdue { expire() }
        }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Registers a call; `expire` runs once if it is still registered at its deadline, `timeout`
    /// from now (the store's own unless given).
    func register(timeout: Duration? = nil, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let now = ContinuousClock.now
        let deadline = now + (timeout ?? self.timeout)
        return calls.withLock { calls in
            calls.nextID += 1
            calls.entries[calls.nextID] = Entry(started: now, deadline: deadline, expire: expire)
            return calls.nextID
        }
    }

    /// The call ended in time.
    func finished(_ id: UInt64) {
        guard let entry = calls.withLock({ $0.entries.removeValue(forKey: id) }) else { return }
        Self.durations.record(duration: ContinuousClock.now - entry.started)
    }
}

/// A continuation answered exactly once: by the work, or by its deadline, whichever is first.
final class OnceAnswer<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    /// Whether the caller has been answered already.
    var isAnswered: Bool { continuation.withLock { $0 == nil } }

    /// Answers unless already answered; returns whether this call answered.
    @discardableResult
    func answer(_ result: Result<T, any Error>) -> Bool {
        guard
            let continuation = continuation.withLock({ state -> CheckedContinuation<T, any Error>? in
                defer { state = nil }
                return state
            })
        else { return false }
        continuation.resume(with: result)
        return true
    }
}
