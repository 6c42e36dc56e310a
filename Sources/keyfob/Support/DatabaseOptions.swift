import ArgumentParser
import Foundation
import GRDB
import KeyfobCore
import KeyfobPostgres
import KeyfobSQLite
import KeyfobServer
import Logging

/// `--database` and its tuning options, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: sqlite:PATH (default sqlite:keyfob.sqlite) or postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=disable|prefer|require]. Env: KEYFOB_DATABASE.",
            valueName: "url"
        )
    )
    var database: String = ProcessInfo.processInfo.environment["KEYFOB_DATABASE"] ?? "sqlite:keyfob.sqlite"

    @Option(
        name: .customLong("sqlite-synchronous"),
        help: "full (default: a commit survives a power cut) or normal (faster; the last commits may be lost on power loss)."
    )
    var sqliteSynchronous: SQLiteStore.Durability = .full

    @Option(name: .customLong("db-pool-size"), help: "PostgreSQL: the most connections this process opens.")
    var poolSize: Int = 20

    @Option(
        name: .customLong("db-timeout"),
        help: "The longest one store call may take (PostgreSQL: waiting for a connection included) before the request gets 503."
    )
    var timeout: TimeSpan = TimeSpan(argument: "5s")!

    @Option(
        name: .customLong("max-pending-writes"),
        help: "SQLite: the most writes that may wait for the writer; more are answered 503 with Retry-After at once."
    )
    var maxPendingWrites = 1024

    @Flag(
        name: .customLong("sqlite-create-missing"),
        help: "Create an empty SQLite database even though one existed at this path before (its -keyfob marker is there)."
    )
    var sqliteCreateMissing = false

    func validate() throws {
        guard (1...1000).contains(poolSize) else { throw ValidationError("--db-pool-size must be between 1 and 1000") }
        guard (1...1_000_000).contains(maxPendingWrites) else { throw ValidationError("--max-pending-writes must be from 1 to 1000000") }
        guard timeout.seconds >= 0.1, timeout.seconds <= 600 else { throw ValidationError("--db-timeout must be between 100ms (0.1s) and 10m") }
    }

    /// The database for messages and logs, its password masked.
    var displayName: String {
        (try? PostgresURL(database)).map(\.description) ?? database
    }

    /// Opens the store named by `--database`, running migrations.
    func openStore(logger: Logger) async throws -> any Store {
        let url = database
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let parsed: PostgresURL
            do { parsed = try PostgresURL(url) } catch { throw ValidationError(error.description) }
            let options = PostgresOptions(poolSize: poolSize, operationTimeout: .milliseconds(Int(timeout.seconds * 1000)))
            do {
                return try await PostgresStore(url: parsed, options: options, logger: logger)
            } catch let error as StoreUnavailableError {
                throw CommandFailure(error.description)
            } catch let error as PostgresRefusedError {
                throw CommandFailure(error.description)
            }
        }
        let path: String
        if url.hasPrefix("sqlite://") {
            path = String(url.dropFirst("sqlite://".count))
        } else if url.hasPrefix("sqlite:") {
            path = String(url.dropFirst("sqlite:".count))
        } else {
            throw ValidationError("--database must look like sqlite:PATH or postgres://USER@HOST/DB, got \(url)")
        }
        guard !path.isEmpty else { throw ValidationError("--database sqlite: needs a file path") }
        do {
            return try await SQLiteStore(
                path: path,
                durability: sqliteSynchronous,
                callTimeout: .milliseconds(Int(timeout.seconds * 1000)),
                createMissing: sqliteCreateMissing,
                maxPendingWrites: maxPendingWrites,
                logger: logger
            )
        } catch let error as DatabaseMissingError {
            throw CommandFailure(error.description)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            throw CommandFailure(
                "Cannot open the SQLite database \(path): its folder does not exist or is not writable (\(error.message ?? "unable to open"))."
            )
        }
    }
}

extension SQLiteStore.Durability: ExpressibleByArgument {}
