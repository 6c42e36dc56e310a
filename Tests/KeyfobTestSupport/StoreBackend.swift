import Foundation
import KeyfobCore
import KeyfobMemory
import KeyfobPostgres
import KeyfobSQLite
import KeyfobServer

/// The backends the storage suite runs against: each test gets a fresh, empty store of the kind.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The reference store in memory (`MemoryStore`).
    case memory
    case sqlite
    case postgresReadCommitted
    case postgresSerializable

    public var description: String { rawValue }

    /// Runs `body` on a fresh store, then closes and deletes it.
    public func withFreshStore<T: Sendable>(_ body: (any Store) async throws -> T) async throws -> T {
        switch self {
        case .memory:
            return try await body(MemoryStore())
        case .sqlite:
            let database = TemporaryDatabase()
            defer { database.remove() }
            return try await body(try await database.open())
        case .postgresReadCommitted, .postgresSerializable:
            let database = try await PostgresTestDatabase()
            let store = try await database.open(isolation: self == .postgresSerializable ? .serializable : .readCommitted)
            do {
                let result = try await body(store)
                store.shutdown()
                await database.remove()
                return result
            } catch {
                store.shutdown()
                await database.remove()
                throw error
            }
        }
    }
}
