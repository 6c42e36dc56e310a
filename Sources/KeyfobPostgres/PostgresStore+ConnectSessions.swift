import Foundation
import KeyfobConnect
import KeyfobCore
import PostgresNIO

extension PostgresStore: ConnectSessionStore {
    public func insertSession(_ session: ConnectSession) async throws {
        let request = String(decoding: try JSONEncoder().encode(session.request), as: UTF8.self)
        try await withConnection { connection in
            _ = try await connection.query(
                """
                INSERT INTO connect_sessions (digest, request, csrf_token, owner_id, expires_at)
                VALUES (\(session.digest.bytes), \(request), \(session.csrfToken), \(session.ownerID), \(session.expiresAt))
                """,
                logger: self.logger
            )
        }
    }

    public func session(digest: SecretDigest) async throws -> ConnectSession? {
        let found = try await withConnection { connection in
            let rows = try await connection.query(try PostgresLookups.sessionByDigest(digest), logger: self.logger)
            return try await rows.decode((String, String, UUID?, Date).self).firstAfterDraining()
        }
        guard let (request, csrfToken, ownerID, expiresAt) = found else { return nil }
        return ConnectSession(
            digest: digest,
            request: try JSONDecoder().decode(AuthorizationRequest.self, from: Data(request.utf8)),
            csrfToken: csrfToken,
            ownerID: ownerID,
            expiresAt: expiresAt
        )
    }

    public func deleteSession(digest: SecretDigest) async throws -> Bool {
        try await withConnection { connection in
            let rows = try await connection.query(
                "DELETE FROM connect_sessions WHERE digest = \(digest.bytes) RETURNING digest",
                logger: self.logger
            )
            return try await rows.collect().count == 1
        }
    }
}
