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
    let pointReaders: PointReaders
    let writer: GroupCommitWriter
    let deadlines: CallDeadlines
    let file: DatabaseFileWatch
    let logger: Logger

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a statement waits for a lock another process holds (the CLI, a
    ///     second server) before the store reports itself unavailable (503).
    ///   - callTimeout: the longest one store call may take, however SQLite or the disk stalls;
    ///     past it the call throws `StoreUnavailableError` (503).
    ///   - createMissing: create an empty database even where one existed before (its marker file
    ///     is still there); without it such a start is refused, since the tokens are gone.
    ///   - maxPendingWrites: the most writes that may wait for the writer; one more is refused at
    ///     once as unavailable (503 with `Retry-After`) rather than queued behind the others.
    ///   - maxWriteWait: the longest the oldest waiting write may have waited for the writer
    ///     before new writes are refused the same way (nil: only the count bounds the queue).
    ///   - pointReaders: how many connections of their own the one-statement lookups use
    ///     (`PointReaders`); the other reads share the pool's.
    public init(
        path: String,
        durability: Durability = .full,
        busyTimeout: TimeInterval = 5,
        callTimeout: Duration = .seconds(5),
        createMissing: Bool = false,
        maxPendingWrites: Int = 1024,
        maxWriteWait: Duration? = nil,
        pointReaders: Int = 4,
        logger: Logger = Logger(label: "keyfob.sqlite")
    ) async throws {
        let marker = DatabaseMarker(databasePath: path)
        try marker.checkBeforeOpening(createMissing: createMissing)
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
        try marker.write()
        let file = try DatabaseFileWatch(path: path, logger: logger)
        let deadlines = CallDeadlines(timeout: callTimeout) { _ = file.check() }
        self.path = path
        self.pool = pool
        self.pointReaders = try PointReaders(path: path, count: pointReaders, busyTimeout: busyTimeout)
        self.file = file
        self.deadlines = deadlines
        self.writer = try await GroupCommitWriter(
            pool: pool,
            checkpointer: BackgroundCheckpointer(path: path, busyTimeout: busyTimeout),
            deadlines: deadlines,
            file: file,
            maxPending: maxPendingWrites,
            maxWait: maxWriteWait
        )
        self.logger = logger
    }

    /// Nil while the store can answer; else why not (the database file deleted or replaced).
    public func unavailableReason() -> String? { file.check() }

    /// The writer connection's `synchronous` setting, as SQLite reports it (2 FULL, 1 NORMAL).
    public func writerSynchronousSetting() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode, as SQLite reports it (`wal`).
    public func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Runs a read by its deadline (the store's, unless `timeout` is given), turning lock and I/O
    /// failures into `StoreUnavailableError`. The work sees one snapshot of the database.
    func read<T: Sendable>(timeout: Duration? = nil, _ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await read(timeout: timeout, inTransaction: true, work)
    }

    /// A read of one statement, which SQLite already runs against one snapshot: it runs on the
    /// point readers (one hop, not the pool's two) and skips the BEGIN, schema check and COMMIT
    /// `read` wraps around its work, which together cost more than the lookup itself on the calls
    /// every resource server makes (BENCHMARKS.md, reads). Work that runs several statements
    /// which must agree uses `read`.
    func pointRead<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await read(timeout: nil, inTransaction: false, work)
    }

    private func read<T: Sendable>(
        timeout: Duration?,
        inTransaction: Bool,
        _ work: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await mapErrors {
            if let lost = file.lostReason { throw StoreUnavailableError(lost) }
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let answer = OnceAnswer(continuation)
                let deadline = deadlines.register(timeout: timeout) {
                    answer.answer(.failure(StoreUnavailableError("the SQLite read did not finish in time")))
                }
                let run: @Sendable (Result<Database, any Error>) -> Void = { database in
                    // Not answered yet: the deadline has not passed, so the work is worth doing.
                    guard !answer.isAnswered else { return }
                    let result = Result { try work(try database.get()) }
                    self.deadlines.finished(deadline)
                    answer.answer(result)
                }
                if inTransaction { pool.asyncRead(run) } else { pointReaders.run(run) }
            }
        }
    }

    /// Runs a write through group commit; `undo` as `GroupCommitWriter.write` says.
    func write<T: Sendable>(
        _ work: @escaping @Sendable (Database) throws -> T,
        undo: (@Sendable (Database, T) throws -> Void)? = nil
    ) async throws -> T {
        try await mapErrors { try await writer.write(work, undo: undo) }
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
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                // Not the request's fault and not passing: an operator must restore the file.
                logger.error(
                    "SQLite database is corrupt or not a database",
                    metadata: ["sqlite.path": "\(path)", "sqlite.code": "\(error.resultCode)"]
                )
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

extension SQLiteStore: ReadinessProbe {
    public func checkReadiness() async throws {
        if let reason = unavailableReason() { throw StoreUnavailableError(reason) }
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
