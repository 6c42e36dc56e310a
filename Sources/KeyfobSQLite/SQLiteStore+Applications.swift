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
            let select = try DirectStatement(Self.applicationByID, in: db)
            select.bind(1, Column.id(id))
            return try select.step() ? Self.application(from: select) : nil
        }
    }

    public func applications() async throws -> [ClientApplication] {
        try await read { db in
            let select = try DirectStatement("SELECT \(Self.applicationColumns) FROM applications ORDER BY created_at, id", in: db)
            var all = [ClientApplication]()
            while try select.step() { all.append(Self.application(from: select)) }
            return all
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

    /// An application's columns, in the order `application(from:)` reads them.
    static let applicationColumns = """
        id, name, secret_digest, previous_secret_digest, previous_secret_expires_at, is_public, redirect_uris,
        permissions, grant_types, require_par, require_dpop, access_token_format, created_at, version
        """
    /// Made once: the statement cache finds it by its text, and client authentication runs it.
    private static let applicationByID = "SELECT \(applicationColumns) FROM applications WHERE id = ?"

    /// The current row of a select of `applicationColumns`, read by position: client
    /// authentication at introspection, revocation and PAR reads it on every request.
    static func application(from select: borrowing DirectStatement) -> ClientApplication {
        ClientApplication(
            id: UUIDText.parse(select.text(0))!,
            name: select.text(1),
            secretDigest: select.optionalData(2).map(SecretDigest.init(bytes:)),
            previousSecretDigest: select.optionalData(3).map(SecretDigest.init(bytes:)),
            previousSecretExpiresAt: select.optionalDouble(4).map(Column.date),
            isPublic: select.int64(5) != 0,
            redirectURIs: Column.strings(fromLines: select.text(6)),
            permissions: Column.names(select.text(7)),
            grantTypes: select.optionalText(8).map(Column.names),
            requiresPushedAuthorizationRequests: select.int64(9) != 0,
            requiresDPoP: select.int64(10) != 0,
            accessTokenFormat: AccessTokenFormat(rawValue: select.text(11)) ?? .opaque,
            createdAt: Column.date(select.double(12)),
            version: select.int64(13)
        )
    }
}
