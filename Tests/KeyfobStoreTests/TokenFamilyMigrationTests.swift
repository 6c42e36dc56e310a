import Foundation
import GRDB
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import PostgresNIO
import Testing

@testable import KeyfobPostgres
@testable import KeyfobSQLite

/// Token families became rows of their own (`token_families`): SQLite's v6, PostgreSQL's v4.
/// Before, a family was the id of the code it came from. A database written before the migration
/// keeps working after it: its tokens rotate, a reuse still revokes the whole family, a replay of
/// its spent code still revokes what that code issued, and new families never take an old id.
@Suite("token families migration")
struct TokenFamilyMigrationTests {
    /// The rows a database held before the migration: one app, one consent, a spent code (id 7)
    /// whose family 7 holds a pair, and a code (id 8) not yet spent.
    struct OldRows {
        let applicationID = UUID()
        let consentID = UUID()
        let secret = "old-secret"
        let spentCode = "old-spent-code"
        let freshCode = "old-fresh-code"
        let access = "old-access-token"
        let refresh = "old-refresh-token"
        let now = Date()

        var client: ClientVersion { ClientVersion(id: applicationID, version: 1) }
    }

    @Test func sqliteKeepsFamiliesWrittenBeforeTheMigration() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let rows = OldRows()
        let queue = try DatabaseQueue(path: database.path)
        try SQLiteMigrations.migrator(random: SystemRandomSource()).migrate(queue, upTo: "v5-code-scope")
        try await queue.write { db in
            let t = Column.time(rows.now)
            let app = Column.id(rows.applicationID)
            let consent = Column.id(rows.consentID)
            try db.execute(
                sql: """
                    INSERT INTO applications (id, name, secret_digest, is_public, redirect_uris, permissions, created_at)
                    VALUES (?, 'Old', ?, 0, 'https://old.example/cb', 'read_odometer', ?)
                    """,
                arguments: [app, SecretDigest.of(rows.secret).bytes, t]
            )
            try db.execute(
                sql:
                    "INSERT INTO grants (id, application_id, owner_id, permissions, vehicle_ids, created_at) VALUES (?, ?, ?, 'read_odometer', '', ?)",
                arguments: [consent, app, Column.id(UUID()), t]
            )
            for (id, code, consumedAt) in [(7, rows.spentCode, Optional(t)), (8, rows.freshCode, nil)] {
                try db.execute(
                    sql: """
                        INSERT INTO authorization_codes (id, digest, grant_id, application_id, redirect_uri, redirect_uri_sent, expires_at, consumed_at, scope)
                        VALUES (?, ?, ?, ?, 'https://old.example/cb', 1, ?, ?, 'read_odometer')
                        """,
                    arguments: [id, SecretDigest.of(code).bytes, consent, app, t + 600, consumedAt]
                )
            }
            try db.execute(
                sql: "INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at) VALUES (?, 7, ?, ?, '', ?)",
                arguments: [SecretDigest.of(rows.access).bytes, consent, app, t + 7200]
            )
            try db.execute(
                sql: "INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at) VALUES (?, 7, ?, ?, ?)",
                arguments: [SecretDigest.of(rows.refresh).bytes, consent, app, t + 86400]
            )
        }
        try queue.close()

        let store = try await database.open()
        try await expectOldFamiliesWork(store, rows)
        let families = try await store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM token_families ORDER BY id") }
        #expect(families.first == 7 && families.count == 2 && families[1] > 7)
    }

    @Test func postgresKeepsFamiliesWrittenBeforeTheMigration() async throws {
        let database = try await PostgresTestDatabase()
        let rows = OldRows()
        do {
            // The schema as the first three migrations left it, recorded in the ledger.
            let before = PostgresMigrations.migrations.prefix { $0.name != "v4-token-families" }
            #expect(before.count == 3)
            var statements = [
                "CREATE TABLE keyfob_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO keys (name, value) VALUES ('rotation', decode(repeat('ab', 32), 'hex'))",
            ]
            statements.insert(contentsOf: before.flatMap(\.statements), at: 1)
            statements += before.map { "INSERT INTO keyfob_migrations (name) VALUES ('\($0.name)')" }
            let app = "'\(rows.applicationID.uuidString)'"
            let consent = "'\(rows.consentID.uuidString)'"
            func hex(_ text: String) -> String { "decode('\(SecretDigest.of(text).bytes.map { String(format: "%02x", $0) }.joined())', 'hex')" }
            statements += [
                """
                INSERT INTO applications (id, name, secret_digest, is_public, redirect_uris, permissions, created_at)
                VALUES (\(app), 'Old', \(hex(rows.secret)), false, '{https://old.example/cb}', '{read_odometer}', now())
                """,
                """
                INSERT INTO grants (id, application_id, owner_id, permissions, vehicle_ids, created_at)
                VALUES (\(consent), \(app), '\(UUID().uuidString)', '{read_odometer}', '{}', now())
                """,
                """
                INSERT INTO authorization_codes (id, digest, grant_id, application_id, redirect_uri, redirect_uri_sent, expires_at, consumed_at)
                VALUES (7, \(hex(rows.spentCode)), \(consent), \(app), 'https://old.example/cb', true, now() + interval '10 minutes', now()),
                    (8, \(hex(rows.freshCode)), \(consent), \(app), 'https://old.example/cb', true, now() + interval '10 minutes', NULL)
                """,
                """
                INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at)
                VALUES (\(hex(rows.access)), 7, \(consent), \(app), '{}', now() + interval '2 hours')
                """,
                """
                INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at)
                VALUES (\(hex(rows.refresh)), 7, \(consent), \(app), now() + interval '1 day')
                """,
            ]
            for statement in statements { try await PostgresTestDatabase.administer(database.url, statement) }

            let store = try await database.open()
            try await expectOldFamiliesWork(store, rows)
            let families = try await store.withConnection { connection in
                try await connection.query("SELECT id FROM token_families ORDER BY id", logger: store.logger).collect()
                    .map { try $0.decode(Int64.self) }
            }
            #expect(families.first == 7 && families.count == 2 && families[1] > 7)
            store.shutdown()
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    /// What must still hold for the old rows once the store has migrated them.
    private func expectOldFamiliesWork(_ store: any Store, _ rows: OldRows) async throws {
        // The old refresh token rotates into family 7…
        let (next, nextAccess, nextRefresh) = pair(at: rows.now)
        let rotated = try await store.rotate(refresh: .of(rows.refresh), by: rows.client, at: rows.now + 1, grace: 60, issuing: next)
        #expect(rotated == .rotated(consentID: rows.consentID, scope: "read_odometer"))
        // …so replaying the code spent before the migration revokes the old and the new tokens.
        let replay = try await store.redeem(
            code: .of(rows.spentCode),
            by: rows.client,
            at: rows.now + 2,
            check: { _ in },
            issuing: pair(at: rows.now).0
        )
        #expect(replay == .replayed)
        #expect(try await store.bearerAccess(digest: .of(rows.access))?.token.revoked == true)
        #expect(try await store.bearerAccess(digest: .of(nextAccess))?.token.revoked == true)
        #expect(try await store.refreshTokenState(digest: .of(nextRefresh))?.revoked == true)
        // The unspent code starts a family of its own, apart from family 7.
        let (fresh, freshAccess, _) = pair(at: rows.now)
        let redeemed = try await store.redeem(code: .of(rows.freshCode), by: rows.client, at: rows.now + 3, check: { _ in }, issuing: fresh)
        #expect(redeemed == .redeemed(consentID: rows.consentID, scope: "read_odometer"))
        #expect(try await store.bearerAccess(digest: .of(freshAccess))?.token.revoked == false)
    }
}
