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

    /// The backends the device grant's rules are tried on: each store, PostgreSQL at its default
    /// isolation (the device code's row lock decides the same under SERIALIZABLE; the storage
    /// suite runs both levels).
    public static let deviceSuite: [StoreBackend] = [.memory, .sqlite, .postgresReadCommitted]

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
