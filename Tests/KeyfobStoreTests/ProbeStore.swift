import GRDB
import KeyfobTestSupport

@testable import KeyfobSQLite

/// A fresh SQLite store with one scratch table, `probe`, for tests of the writer's machinery
/// rather than of Keyfob's own tables.
func withProbeStore(columns: String, _ body: (SQLiteStore, TemporaryDatabase) async throws -> Void) async throws {
    let database = TemporaryDatabase()
    defer { database.remove() }
    let store = try await database.open()
    try await store.write { db in try db.execute(sql: "CREATE TABLE probe (\(columns))") }
    try await body(store, database)
}
