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

    /// Made once: the statement cache finds it by its text.
    private static let refreshTokenStateQuery = """
        SELECT r.application_id, r.expires_at, r.used_at, r.revoked, \(SQLiteStore.grantColumns)
        FROM refresh_tokens r
        JOIN applications a ON a.id = r.application_id
        LEFT JOIN grants g ON g.id = r.grant_id
        WHERE r.digest = ?
        """

    public func refreshTokenState(digest: SecretDigest) async throws -> RefreshTokenState? {
        try await pointRead { db in
            let select = try DirectStatement(Self.refreshTokenStateQuery, in: db)
            select.bind(1, digest.bytes)
            guard try select.step(), let applicationID = UUIDText.parse(select.text(0)) else { return nil }
            return RefreshTokenState(
                applicationID: applicationID,
                grant: Self.grant(from: select, at: 4),
                expiresAt: Column.date(select.double(1)),
                usedAt: select.optionalDouble(2).map(Column.date),
                revoked: select.int64(3) != 0
            )
        }
    }
}
