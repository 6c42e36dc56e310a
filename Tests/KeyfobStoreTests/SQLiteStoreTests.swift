import Foundation
import KeyfobCore
import KeyfobSQLite
import KeyfobTestSupport
import Testing

/// The SQLite store's own guarantees, driven through the `Store` protocol on a real file.
@Suite("SQLite store")
struct SQLiteStoreTests {
    func withStore(_ body: (SQLiteStore, Fixtures) async throws -> Void) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        return try await body(store, Fixtures(store: store, clock: SystemWallClock()))
    }

    @Test func writerRunsWithSynchronousFullInWALMode() async throws {
        try await withStore { store, _ in
            let synchronous = try await store.writerSynchronousSetting()
            let journalMode = try await store.journalMode()
            #expect(synchronous == 2)
            #expect(journalMode == "wal")
        }
    }

    @Test func normalDurabilityIsAvailableAsAnOption() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open(durability: .normal)
        #expect(try await store.writerSynchronousSetting() == 1)
    }

    @Test func reopeningRunsNoMigrationTwiceAndKeepsTheRotationKey() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let first = try await database.open()
        let key = try await first.rotationKey()
        #expect(key.count == 32)
        let second = try await database.open()
        #expect(try await second.rotationKey() == key)
    }

    @Test func concurrentOpeningOfAFreshFileMigratesOnce() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let keys = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<4 { group.addTask { try await database.open().rotationKey() } }
            return try await group.reduce(into: Set<Data>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
    }

    @Test func storedCodesAndTokensAreDigestsNeverText() async throws {
        try await withStore { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            let (issue, access, refresh) = pair(at: now)
            _ = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: issue)
            // Read the raw file: no token text or secret may appear in it.
            let raw =
                try Data(contentsOf: URL(fileURLWithPath: store.path))
                + ((try? Data(contentsOf: URL(fileURLWithPath: store.path + "-wal"))) ?? Data())
            for secret in [code, access, refresh, app.secret] {
                #expect(raw.range(of: Data(secret.utf8)) == nil, "found \(secret.prefix(8))… in the database file")
            }
        }
    }

}
