import Foundation
import KeyfobCore
import Logging
import PostgresNIO

/// How a transaction ends when its body returns normally.
enum TransactionEnd<Value: Sendable>: Sendable {
    /// Keep what the body wrote.
    case commit(Value)
    /// Undo what the body wrote (a refused check), and answer `Value` all the same.
    case rollback(Value)
}

extension PostgresStore {
    /// Runs `work` on a pooled connection within `options.operationTimeout`, turning connection
    /// failures into `StoreUnavailableError`. A serialization failure or deadlock (which
    /// SERIALIZABLE, and CockroachDB always, may report for any statement that raced another) runs
    /// `work` again from the start, so `work` must be one statement or one whole transaction.
    func withConnection<T: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresPoolMetrics.timing {
            try await withLeasedConnection(work)
        }
    }

    private func withLeasedConnection<T: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withDeadline { leased in
            var attempt = 1
            while true {
                do {
                    return try await self.client.withConnection { connection in
                        leased.hold(connection)
                        defer { leased.hold(nil) }
                        return try await PostgresPoolMetrics.holding { try await work(connection) }
                    }
                } catch let error as PSQLError where error.isSerializationFailure && attempt < self.options.serializationAttempts {
                    // Jittered backoff, so the racers do not meet again at once.
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...(4 << min(attempt, 5)))))
                    attempt += 1
                }
            }
        }
    }

    /// Runs `body` in one transaction, tried again from scratch after a serialization failure.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> TransactionEnd<T>) async throws -> T {
        try await withConnection { connection in try await self.runTransaction(on: connection, body) }
    }

    private func runTransaction<T: Sendable>(
        on connection: PostgresConnection,
        _ body: @Sendable (PostgresConnection) async throws -> TransactionEnd<T>
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        do {
            switch try await body(connection) {
            case .commit(let value):
                try await connection.query("COMMIT", logger: logger)
                return value
            case .rollback(let value):
                try await connection.query("ROLLBACK", logger: logger)
                return value
            }
        } catch {
            // If the connection broke, the server rolls back by itself and the pool drops it.
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Runs `work`, giving up after `options.operationTimeout`. On time-out the connection `work` is
    /// using is closed — postgres-nio cannot cancel a query in flight — and the caller is answered
    /// at once, without waiting for `work` to notice: a query sent on a connection that is being
    /// closed can wait in postgres-nio for ever, and waiting for it hung a CI run. `work` is
    /// cancelled and left to end on its own.
    private func withDeadline<T: Sendable>(_ work: @escaping @Sendable (LeasedConnection) async throws -> T) async throws -> T {
        let leased = LeasedConnection()
        let timeout = options.operationTimeout
        let race = DeadlineRace<T>()
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    race.begin(continuation)
                    let worker = Task {
                        do { race.settle(.success(try await work(leased))) } catch { race.settle(.failure(error)) }
                    }
                    let deadline = Task {
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled else { return }
                        if race.settle(.failure(StoreUnavailableError("PostgreSQL did not answer within \(timeout)"))) {
                            PostgresPoolMetrics.deadlineExpired()
                            leased.close()
                        }
                    }
                    race.cancelOnEnd([worker, deadline])
                }
            } onCancel: {
                race.settle(.failure(CancellationError()))
            }
        } catch let error as PSQLError {
            throw unavailable(error) ?? error
        }
    }

    /// The `StoreUnavailableError` for a failure of the database rather than of the request, nil
    /// for anything else (a bug: it surfaces as a 500 and in the log).
    private func unavailable(_ error: PSQLError) -> StoreUnavailableError? {
        guard error.code == .server else {
            // Connection refused, reset or closed, TLS failures, a closed pool: the database is
            // unreachable from here, not the request at fault.
            logger.debug("PostgreSQL unreachable", metadata: ["postgres.error": "\(error.code)"])
            return StoreUnavailableError("PostgreSQL: \(error.code)")
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let transient = ["08", "53", "57", "40", "55P03", "25006", "58"]
        guard transient.contains(where: state.hasPrefix) else { return nil }
        logger.debug("PostgreSQL refused", metadata: ["postgres.sqlstate": "\(state)"])
        return StoreUnavailableError("PostgreSQL: SQLSTATE \(state)")
    }
}

extension PSQLError {
    /// SQLSTATE 40001 (serialization failure) or 40P01 (deadlock): the transaction may succeed if
    /// tried again.
    var isSerializationFailure: Bool {
        guard code == .server, let state = serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// How two sessions creating the same table at once can collide in the catalog: 23505 on its
    /// unique index, 42710 (the table's row type already exists) or 42P07 (the table does).
    var isConcurrentCreation: Bool {
        guard code == .server, let state = serverInfo?[.sqlState] else { return false }
        return state == "23505" || state == "42710" || state == "42P07"
    }
}

/// The connection a deadline-bound call is using right now, so the deadline can close it.
final class LeasedConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: PostgresConnection?

    func hold(_ connection: PostgresConnection?) {
        lock.withLock { self.connection = connection }
    }

    func close() {
        lock.withLock { connection }?.close().whenComplete { _ in }
    }
}

extension PostgresPreparedStatement where Row == Void {
    /// A statement that returns no rows reads none.
    func decodeRow(_ row: PostgresRow) throws {}
}

extension PostgresConnection {
    /// Executes a prepared statement that returns no rows.
    func run<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws where Statement.Row == Void {
        for try await _ in try await execute(statement, logger: logger) {}
    }
}

extension AsyncSequence where Self: Sendable {
    /// The first element, after reading the sequence to its end: a connection goes back to the
    /// pool only with its result fully read, never with rows still in flight.
    func firstAfterDraining() async throws -> Element? {
        var first: Element?
        for try await element in self where first == nil { first = element }
        return first
    }
}
