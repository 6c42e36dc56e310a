import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore {
    public func revoke(digest: SecretDigest, of applicationID: UUID) async throws -> RevokedToken? {
        try await transaction { connection in
            let access = try await connection.query(
                "UPDATE access_tokens SET revoked = true WHERE digest = \(digest.bytes) AND application_id = \(applicationID) RETURNING id",
                logger: self.logger
            )
            if try await access.collect().count == 1 { return .commit(.accessToken) }
            let rows = try await connection.query(
                "SELECT family_id FROM refresh_tokens WHERE digest = \(digest.bytes) AND application_id = \(applicationID)",
                logger: self.logger
            )
            if let family = try await rows.decode(Int64.self).firstAfterDraining() {
                // RFC 7009 §2.1: revoking a refresh token also ends the access tokens of its grant.
                try await self.revokeFamily(family, on: connection)
                return .commit(.refreshToken)
            }
            return .rollback(nil)
        }
    }

    public func refreshTokenState(digest: SecretDigest) async throws -> RefreshTokenState? {
        try await withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT r.application_id, r.expires_at, r.used_at, r.revoked, \(unescaped: Self.grantColumns)
                FROM refresh_tokens r
                JOIN applications a ON a.id = r.application_id
                LEFT JOIN grants g ON g.id = r.grant_id
                WHERE r.digest = \(digest.bytes)
                """,
                logger: self.logger
            )
            if let row = try await rows.firstAfterDraining() {
                let cells = row.makeRandomAccess()
                let grant = try cells[4].decode(UUID?.self) == nil ? nil : try Self.grant(from: row, offset: 4)
                return RefreshTokenState(
                    applicationID: try cells[0].decode(UUID.self),
                    grant: grant,
                    expiresAt: try cells[1].decode(Date.self),
                    usedAt: try cells[2].decode(Date?.self),
                    revoked: try cells[3].decode(Bool.self)
                )
            }
            return nil
        }
    }
}
