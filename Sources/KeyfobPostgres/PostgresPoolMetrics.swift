import Metrics
import Synchronization

/// What `/metrics` shows of the PostgreSQL pool (docs/contract.md §9): the connections leased to
/// store calls right now against the most the pool may open, so "pool in use near pool size" can
/// be alerted on before calls start waiting for a connection, and the calls' latency and deadline
/// failures under the same names as SQLite's.
enum PostgresPoolMetrics {
    private static let inUseGauge = Gauge(label: "keyfob_postgres_pool_in_use")
    private static let sizeGauge = Gauge(label: "keyfob_postgres_pool_size")
    private static let durations = Metrics.Timer(label: "keyfob_store_call_duration_seconds", dimensions: [("store", "postgres")])
    private static let expired = Counter(label: "keyfob_store_call_failures_total", dimensions: [("store", "postgres"), ("reason", "deadline")])

    /// Leased connections over every store of this process (one, outside tests).
    private static let leased = Atomic<Int>(0)

    static func opened(poolSize: Int) { sizeGauge.record(poolSize) }

    /// Counts a connection as in use while `work` holds it.
    static func holding<T>(_ work: () async throws -> T) async rethrows -> T {
        inUseGauge.record(leased.add(1, ordering: .relaxed).newValue)
        defer { inUseGauge.record(leased.subtract(1, ordering: .relaxed).newValue) }
        return try await work()
    }

    /// A store call's whole duration: waiting for a connection, retries and the statements.
    static func timing<T>(_ call: () async throws -> T) async rethrows -> T {
        let started = ContinuousClock.now
        defer { durations.recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1))) }
        return try await call()
    }

    static func deadlineExpired() { expired.increment() }
}
