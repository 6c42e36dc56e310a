import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: ApplicationStore {
    static let applicationColumns = """
        id, name, secret_digest, previous_secret_digest, previous_secret_expires_at, is_public, redirect_uris, permissions,
        created_at, version, grant_types, require_par, require_dpop, access_token_format
        """

    public func insertApplication(_ application: ClientApplication) async throws {
        try await withConnection { connection in
            _ = try await connection.query(
                """
                INSERT INTO applications (id, name, secret_digest, previous_secret_digest, previous_secret_expires_at,
                    is_public, redirect_uris, permissions, created_at, grant_types, require_par, require_dpop, access_token_format)
                VALUES (\(application.id), \(application.name), \(application.secretDigest?.bytes),
                    \(application.previousSecretDigest?.bytes), \(application.previousSecretExpiresAt), \(application.isPublic),
                    \(application.redirectURIs), \(application.permissions), \(application.createdAt), \(application.grantTypes),
                    \(application.requiresPushedAuthorizationRequests), \(application.requiresDPoP),
                    \(application.accessTokenFormat.rawValue))
                """,
                logger: self.logger
            )
        }
    }

    public func application(id: UUID) async throws -> ClientApplication? {
        try await withConnection { connection in
            let rows = try await connection.execute(ApplicationByID(id: id), logger: self.logger)
            return try await rows.firstAfterDraining()
        }
    }

    public func applications() async throws -> [ClientApplication] {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.applicationColumns) FROM applications ORDER BY created_at, id",
                logger: self.logger
            )
            return try await rows.collect().map(Self.application(from:))
        }
    }

    public func replaceSecret(of id: UUID, with digest: SecretDigest, previousExpiresAt: Date?) async throws -> Bool {
        // One statement: the version bump is what tells every instance's cache that the secret changed.
        try await withConnection { connection in
            let rows = try await connection.query(
                """
                UPDATE applications SET previous_secret_digest = secret_digest, previous_secret_expires_at = \(previousExpiresAt),
                    secret_digest = \(digest.bytes), version = version + 1
                WHERE id = \(id) AND NOT is_public RETURNING id
                """,
                logger: self.logger
            )
            return try await rows.collect().count == 1
        }
    }

    public func deleteApplication(id: UUID) async throws -> Bool {
        // Codes and tokens stay until they expire: every spend checks the application's version and
        // every bearer lookup joins the application, so they stop working once its row is gone.
        try await transaction { connection in
            try await connection.query("DELETE FROM grants WHERE application_id = \(id)", logger: self.logger)
            let rows = try await connection.query("DELETE FROM applications WHERE id = \(id) RETURNING id", logger: self.logger)
            return .commit(try await rows.collect().count == 1)
        }
    }

    static func application(from row: PostgresRow) throws -> ClientApplication {
        let (
            id, name, secret, previousSecret, previousExpiresAt, isPublic, redirectURIs, permissions, createdAt, version, grantTypes, requiresPAR,
            requiresDPoP, tokenFormat
        ) =
            try row.decode((UUID, String, Data?, Data?, Date?, Bool, [String], [String], Date, Int64, [String]?, Bool, Bool, String).self)
        return ClientApplication(
            id: id,
            name: name,
            secretDigest: secret.map(SecretDigest.init(bytes:)),
            previousSecretDigest: previousSecret.map(SecretDigest.init(bytes:)),
            previousSecretExpiresAt: previousExpiresAt,
            isPublic: isPublic,
            redirectURIs: redirectURIs,
            permissions: permissions,
            grantTypes: grantTypes,
            requiresPushedAuthorizationRequests: requiresPAR,
            requiresDPoP: requiresDPoP,
            accessTokenFormat: AccessTokenFormat(rawValue: tokenFormat) ?? .opaque,
            createdAt: createdAt,
            version: version
        )
    }
}

/// The client lookup every token request makes when the application cache misses.
struct ApplicationByID: PostgresPreparedStatement {
    static let name = "keyfob.ApplicationByID"
    static let sql = "SELECT \(PostgresStore.applicationColumns) FROM applications WHERE id = $1"
    typealias Row = ClientApplication
    let id: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> ClientApplication { try PostgresStore.application(from: row) }
}
