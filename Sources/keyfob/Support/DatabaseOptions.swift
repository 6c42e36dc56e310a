import ArgumentParser
import Foundation
import KeyfobSQLite
import KeyfobServer
import Logging

/// `--config`, `--database` and the store's tuning options, shared by every command that opens the
/// store. Each is optional here: an unset flag falls back to `KEYFOB_*`, then to the config file,
/// then to its default (`DatabaseSettings`).
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("A settings file (.yaml, .yml or .json); flags and KEYFOB_* variables win over it. Env: KEYFOB_CONFIG.", valueName: "file")
    )
    var configFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: sqlite:PATH (default sqlite:keyfob.sqlite) or postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=disable|prefer|require]. Env: KEYFOB_DATABASE.",
            valueName: "url"
        )
    )
    var database: String?

    @Option(
        name: .customLong("sqlite-synchronous"),
        help: "full (default: a commit survives a power cut) or normal (faster; the last commits may be lost on power loss)."
    )
    var sqliteSynchronous: SQLiteStore.Durability?

    @Option(name: .customLong("db-pool-size"), help: "PostgreSQL: the most connections this process opens (default 20).")
    var poolSize: Int?

    @Option(
        name: .customLong("db-timeout"),
        help: "The longest one store call may take (PostgreSQL: waiting for a connection included) before the request gets 503 (default 5s)."
    )
    var timeout: TimeSpan?

    @Option(
        name: .customLong("max-pending-writes"),
        help: "SQLite: the most writes that may wait for the writer; more are answered 503 with Retry-After at once (default 1024)."
    )
    var maxPendingWrites: Int?

    @Option(
        name: .customLong("max-write-wait"),
        help:
            "SQLite: once the oldest waiting write has waited this long, new writes are answered 503 with Retry-After at once (default 0: off; see BENCHMARKS.md before setting it)."
    )
    var maxWriteWait: TimeSpan?

    @Flag(
        name: .customLong("sqlite-create-missing"),
        help: "Create an empty SQLite database even though one existed at this path before (its -keyfob marker is there)."
    )
    var sqliteCreateMissing = false

    /// The environment and the config file.
    func sources() async throws -> SettingSources {
        try await SettingSources.load(configFile: configFile, known: SettingCatalogue.names)
    }

    /// The effective database settings.
    func resolved(from sources: SettingSources) throws -> DatabaseSettings {
        try DatabaseSettings(options: self, sources: sources)
    }

    /// The effective settings, from flags, the environment and the config file.
    func resolved() async throws -> DatabaseSettings {
        try resolved(from: try await sources())
    }

    /// Opens the store the settings name, running migrations.
    func openStore(logger: Logger) async throws -> any Store {
        try await resolved().openStore(logger: logger)
    }
}

extension SQLiteStore.Durability: ExpressibleByArgument {}
