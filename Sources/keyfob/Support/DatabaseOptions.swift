import ArgumentParser
import Foundation
import KeyfobCore
import KeyfobSQLite
import Logging

/// `--database`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: sqlite:PATH (default sqlite:keyfob.sqlite). Env: KEYFOB_DATABASE.", valueName: "url"))
    var database: String = ProcessInfo.processInfo.environment["KEYFOB_DATABASE"] ?? "sqlite:keyfob.sqlite"

    @Option(
        name: .customLong("sqlite-synchronous"),
        help: "full (default: a commit survives a power cut) or normal (faster; the last commits may be lost on power loss).")
    var sqliteSynchronous: SQLiteStore.Durability = .full

    /// Opens the store named by `--database`, running migrations.
    func openStore(logger: Logger) async throws -> any Store {
        let url = database
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL is not supported by this build yet; use sqlite:PATH.")
        }
        let path: String
        if url.hasPrefix("sqlite://") {
            path = String(url.dropFirst("sqlite://".count))
        } else if url.hasPrefix("sqlite:") {
            path = String(url.dropFirst("sqlite:".count))
        } else {
            throw ValidationError("--database must look like sqlite:PATH, got \(url)")
        }
        guard !path.isEmpty else { throw ValidationError("--database sqlite: needs a file path") }
        return try await SQLiteStore(path: path, durability: sqliteSynchronous, logger: logger)
    }
}

extension SQLiteStore.Durability: ExpressibleByArgument {}
