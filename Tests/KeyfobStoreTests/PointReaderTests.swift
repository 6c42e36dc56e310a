import Foundation
import GRDB
import KeyfobCore
import KeyfobTestSupport
import Testing

@testable import KeyfobSQLite

/// The one-statement lookups run on connections of their own, outside any transaction: each
/// must still see every commit made before it starts (a revoked token is refused on the next
/// request), whichever of the connections it lands on.
@Suite("point readers")
struct PointReaderTests {
    @Test func everyConnectionSeesTheCommitBeforeIt() async throws {
        try await withProbeStore(columns: "i INTEGER NOT NULL") { store, _ in
            try await store.write { db in try db.execute(sql: "INSERT INTO probe (i) VALUES (0)") }
            for value in Int64(1)...5 {
                try await store.write { db in try db.execute(sql: "UPDATE probe SET i = ?", arguments: [value]) }
                // More reads than connections, so each connection answers after the commit.
                for _ in 0..<12 {
                    let read = try await store.pointRead { db in try Int64.fetchOne(db, sql: "SELECT i FROM probe") }
                    #expect(read == value)
                }
            }
        }
    }

    @Test func aRevokedTokenIsRevokedOnTheNextReadOfEveryConnection() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        let redeemed = try await redeemFreshCode(store, Fixtures(store: store, clock: SystemWallClock()))
        let application = redeemed.app.application.id
        let digest = SecretDigest.of(redeemed.access)
        let before = try #require(try await store.bearerAccess(digest: digest))
        #expect(!before.token.revoked && before.token.applicationID == application)
        #expect(before.grant?.applicationID == application && before.grant?.id == before.token.consentID)
        _ = try await store.revoke(digest: digest, of: application)
        for _ in 0..<12 { #expect(try await store.bearerAccess(digest: digest)?.token.revoked == true) }
    }

    @Test func aPointReaderRefusesToWriteAndStaysUsable() async throws {
        try await withProbeStore(columns: "i INTEGER") { store, _ in
            for _ in 0..<8 {
                await #expect(throws: (any Error).self) {
                    try await store.pointRead { db in try db.execute(sql: "INSERT INTO probe (i) VALUES (1)") }
                }
            }
            let rows = try await store.pointRead { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") }
            #expect(rows == 0)
        }
    }
}
