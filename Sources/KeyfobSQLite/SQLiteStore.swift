import Foundation
import GRDB
import KeyfobCore
import Logging

/// The embedded store: one SQLite file in WAL mode, readers in parallel, one writer with group
/// commit. Several processes (`keyfob serve` and the CLI) may open the same file at once.
public final class SQLiteStore: Sendable {
    /// How hard each commit insists on reaching the disk.
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous=FULL`: a commit survives a power cut. The default.
        case full
        /// `synchronous=NORMAL`: a commit survives a crash of Keyfob, but the last commits before a
        /// power cut or kernel panic may be lost.
        case normal

        var pragmaValue: Int { self == .full ? 2 : 1 }
    }

    /// The database file.
    public let path: String
    let pool: DatabasePool
    let writer: GroupCommitWriter
    let logger: Logger

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    ///
    /// - Parameter busyTimeout: how long a statement waits for a lock another process holds (the
    ///   CLI, a second server) before the store reports itself unavailable (503).
    public init(
        path: String, durability: Durability = .full, busyTimeout: TimeInterval = 5,
        logger: Logger = Logger(label: "keyfob.sqlite")
    ) async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL on the WAL writer after prepareDatabase runs, so set what we
        // mean on the writer itself and read it back there.
        let effective = try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.pragmaValue)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard effective == durability.pragmaValue else {
            throw StoreUnavailableError("SQLite refused synchronous=\(durability.rawValue) (got \(effective ?? -1))")
        }
        try SQLiteMigrations.migrate(pool)
        self.path = path
        self.pool = pool
        self.writer = try await GroupCommitWriter(
            pool: pool, checkpointer: BackgroundCheckpointer(path: path, busyTimeout: busyTimeout))
        self.logger = logger
    }

    /// The writer connection's `synchronous` setting, as SQLite reports it (2 FULL, 1 NORMAL).
    public func writerSynchronousSetting() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode, as SQLite reports it (`wal`).
    public func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Runs a read, turning lock and I/O failures into `StoreUnavailableError`.
    func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mapErrors { try await pool.read(work) }
    }

    /// Runs a write through group commit.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mapErrors { try await writer.write(work) }
    }

    private func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN, .SQLITE_READONLY,
                .SQLITE_PROTOCOL, .SQLITE_NOMEM:
                // The HTTP layer logs the refusal with its request id; this keeps SQLite's own words.
                logger.debug("SQLite unavailable", metadata: ["sqlite.code": "\(error.resultCode)", "sqlite.message": "\(error.message ?? "")"])
                throw StoreUnavailableError("SQLite: \(error.resultCode) \(error.message ?? "")")
            default:
                throw error
            }
        }
    }
}

extension SQLiteStore: KeyStore {
    public func rotationKey() async throws -> Data {
        try await read { db in
            guard let key = try Data.fetchOne(db, sql: "SELECT value FROM keys WHERE name = 'rotation'") else {
                throw StoreUnavailableError("the rotation key is missing from the keys table")
            }
            return key
        }
    }
}
