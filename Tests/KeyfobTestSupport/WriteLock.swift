import GRDB

/// Another connection holding SQLite's write lock, as a long CLI command or a stuck process would:
/// the way to make the store unavailable to writers for real.
public final class WriteLock: @unchecked Sendable {
    private let queue: DatabaseQueue

    /// Takes the write lock on the database at `path` (BEGIN IMMEDIATE) and holds it.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.allowsUnsafeTransactions = true  // holding the lock across calls is the point
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }

    /// Releases the lock.
    public func release() throws {
        try queue.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
    }
}

/// Copies the whole WAL into the database file and starts the WAL over, from a connection of its
/// own, as an operator's `sqlite3 … 'PRAGMA wal_checkpoint(TRUNCATE)'` would.
public func checkpointNow(path: String) throws {
    var configuration = Configuration()
    configuration.journalMode = .wal
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    try queue.close()
}
