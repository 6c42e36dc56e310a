import ArgumentParser
import Foundation
import GRDB
import KeyfobCore
import KeyfobPostgres
import KeyfobSQLite
import KeyfobServer
import Logging

/// The store's settings once flags, `KEYFOB_*` and the config file are merged and checked.
struct DatabaseSettings {
    let database: Resolved<String>
    let sqliteSynchronous: Resolved<SQLiteStore.Durability>
    let poolSize: Resolved<Int>
    let timeout: Resolved<TimeSpan>
    let maxPendingWrites: Resolved<Int>
    let maxWriteWait: Resolved<TimeSpan>
    let sqliteCreateMissing: Resolved<Bool>

    init(options: DatabaseOptions, sources: SettingSources) throws {
        database = try sources.resolve(SettingCatalogue.database, flag: options.database)
        sqliteSynchronous = try sources.resolve(SettingCatalogue.sqliteSynchronous, flag: options.sqliteSynchronous)
        poolSize = try sources.resolve(SettingCatalogue.dbPoolSize, flag: options.poolSize)
        timeout = try sources.resolve(SettingCatalogue.dbTimeout, flag: options.timeout)
        maxPendingWrites = try sources.resolve(SettingCatalogue.maxPendingWrites, flag: options.maxPendingWrites)
        maxWriteWait = try sources.resolve(SettingCatalogue.maxWriteWait, flag: options.maxWriteWait)
        sqliteCreateMissing = try sources.resolve(SettingCatalogue.sqliteCreateMissing, flag: options.sqliteCreateMissing ? true : nil)
        try poolSize.require("between 1 and 1000") { (1...1000).contains($0) }
        try maxPendingWrites.require("from 1 to 1000000") { (1...1_000_000).contains($0) }
        try maxWriteWait.require("at most 10s (0 turns it off)") { $0.seconds <= 10 }
        try timeout.require("between 100ms (0.1s) and 10m") { (0.1...600).contains($0.seconds) }
    }

    /// For `--print-config`.
    var lines: [String] {
        [database.line, sqliteSynchronous.line, poolSize.line, timeout.line, maxPendingWrites.line, maxWriteWait.line, sqliteCreateMissing.line]
    }

    private var url: String { database.value }
    private var callTimeout: Duration { timeout.value.duration }

    /// The database for messages and logs, its password masked.
    var displayName: String { SettingMask.mask(url) }

    /// Opens the store, running migrations.
    func openStore(logger: Logger) async throws -> any Store {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let parsed: PostgresURL
            do { parsed = try PostgresURL(url) } catch { throw CommandFailure("\(database.place): \(error.description)") }
            let options = PostgresOptions(poolSize: poolSize.value, operationTimeout: callTimeout)
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
            throw CommandFailure("\(database.place) must look like sqlite:PATH or postgres://USER@HOST/DB, got \(displayName)")
        }
        guard !path.isEmpty else { throw CommandFailure("\(database.place) sqlite: needs a file path") }
        do {
            return try await SQLiteStore(
                path: path,
                durability: sqliteSynchronous.value,
                callTimeout: callTimeout,
                createMissing: sqliteCreateMissing.value,
                maxPendingWrites: maxPendingWrites.value,
                maxWriteWait: maxWriteWait.value.seconds > 0 ? maxWriteWait.value.duration : nil,
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

/// How a secret setting is shown: a database URL with its password replaced, anything else hidden.
enum SettingMask {
    static func mask(_ value: String) -> String {
        if let url = try? PostgresURL(value) { return url.description }
        if value.hasPrefix("sqlite:") { return value }
        return "********"
    }
}
