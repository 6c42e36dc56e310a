import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: ApplicationStore {
    public func insertApplication(_ application: ClientApplication) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO applications (id, name, secret_digest, previous_secret_digest, previous_secret_expires_at,
                        is_public, redirect_uris, permissions, grant_types, require_par, require_dpop, access_token_format, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Column.id(application.id), application.name, application.secretDigest?.bytes,
                    application.previousSecretDigest?.bytes, application.previousSecretExpiresAt.map(Column.time),
                    application.isPublic, Column.lines(application.redirectURIs), Column.list(application.permissions),
                    application.grantTypes.map(Column.list), application.requiresPushedAuthorizationRequests,
                    application.requiresDPoP, application.accessTokenFormat.rawValue, Column.time(application.createdAt),
                ]
            )
        }
    }

    public func application(id: UUID) async throws -> ClientApplication? {
        try await pointRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM applications WHERE id = ?"), arguments: [Column.id(id)])
                .map(Self.application(from:))
        }
    }

    public func applications() async throws -> [ClientApplication] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM applications ORDER BY created_at, id").map(Self.application(from:))
        }
    }

    public func replaceSecret(of id: UUID, with digest: SecretDigest, previousExpiresAt: Date?) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE applications SET previous_secret_digest = secret_digest, previous_secret_expires_at = ?,
                        secret_digest = ?, version = version + 1 WHERE id = ? AND is_public = 0
                    """,
                arguments: [previousExpiresAt.map(Column.time), digest.bytes, Column.id(id)]
            )
            return db.changesCount == 1
        }
    }

    public func deleteApplication(id: UUID) async throws -> Bool {
        // Tokens and codes are left to expire: every lookup joins the application, so they stop
        // working the moment its row is gone, and garbage collection removes them later.
        try await write { db in
            try db.execute(sql: "DELETE FROM grants WHERE application_id = ?", arguments: [Column.id(id)])
            try db.execute(sql: "DELETE FROM applications WHERE id = ?", arguments: [Column.id(id)])
            return db.changesCount == 1
        }
    }

    static func application(from row: Row) -> ClientApplication {
        ClientApplication(
            id: row.uuid("id")!,
            name: row["name"],
            secretDigest: row.digest("secret_digest"),
            previousSecretDigest: row.digest("previous_secret_digest"),
            previousSecretExpiresAt: row.date("previous_secret_expires_at"),
            isPublic: row["is_public"],
            redirectURIs: Column.strings(fromLines: row["redirect_uris"]),
            permissions: Column.names(row["permissions"]),
            grantTypes: (row["grant_types"] as String?).map(Column.names),
            requiresPushedAuthorizationRequests: row["require_par"],
            requiresDPoP: row["require_dpop"],
            accessTokenFormat: AccessTokenFormat(rawValue: row["access_token_format"]) ?? .opaque,
            createdAt: row.date("created_at")!,
            version: row["version"]
        )
    }
}
