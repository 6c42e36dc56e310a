import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore {
    public func revoke(digest: SecretDigest, of applicationID: UUID) async throws -> RevokedToken? {
        try await write { db in
            try db.execute(
                sql: "UPDATE access_tokens SET revoked = 1 WHERE digest = ? AND application_id = ?",
                arguments: [digest.bytes, Column.id(applicationID)]
            )
            if db.changesCount == 1 { return .accessToken }
            guard
                let family = try Int64.fetchOne(
                    db,
                    sql: "SELECT family_id FROM refresh_tokens WHERE digest = ? AND application_id = ?",
                    arguments: [digest.bytes, Column.id(applicationID)]
                )
            else { return nil }
            // RFC 7009 §2.1: revoking a refresh token also ends the access tokens of its grant.
            try db.execute(sql: "UPDATE access_tokens SET revoked = 1 WHERE family_id = ?", arguments: [family])
            try db.execute(sql: "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", arguments: [family])
            return .refreshToken
        }
    }

    public func refreshTokenState(digest: SecretDigest) async throws -> RefreshTokenState? {
        try await pointRead { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT r.application_id, r.expires_at, r.used_at, r.revoked, g.id AS g_id, g.application_id AS g_application_id,
                            g.owner_id AS g_owner_id, g.permissions AS g_permissions, g.vehicle_ids AS g_vehicle_ids, g.created_at AS g_created_at
                        FROM refresh_tokens r
                        JOIN applications a ON a.id = r.application_id
                        LEFT JOIN grants g ON g.id = r.grant_id
                        WHERE r.digest = ?
                        """,
                    arguments: [digest.bytes]
                )
            else { return nil }
            return RefreshTokenState(
                applicationID: row.uuid("application_id")!,
                grant: row["g_id"] == nil ? nil : Self.grant(from: row, prefix: "g_"),
                expiresAt: row.date("expires_at")!,
                usedAt: row.date("used_at"),
                revoked: row["revoked"]
            )
        }
    }
}
