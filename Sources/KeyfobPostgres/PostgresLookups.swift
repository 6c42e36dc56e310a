import Foundation
import KeyfobConnect
import KeyfobCore
import PostgresNIO

/// The lookups of the token path, Connect and the API that are not prepared statements, built in
/// one place: the store sends exactly these, and the test that every hot query is served by an
/// index plans exactly these.
enum PostgresLookups {
    /// A code that was not claimed, to tell why (`CodeRedemptionRule`).
    static func codeByDigest(_ digest: SecretDigest) throws -> PostgresQuery {
        try "SELECT family_id, application_id, consumed_at, expires_at FROM authorization_codes WHERE digest = \(digest.bytes)"
    }

    /// A refresh token that was not claimed, to tell why (`RefreshRotationRule`).
    static func refreshTokenByDigest(_ digest: SecretDigest) throws -> PostgresQuery {
        try """
        SELECT application_id, family_id, grant_id, revoked, used_at, expires_at, jkt FROM refresh_tokens
        WHERE digest = \(digest.bytes)
        """
    }

    /// Revokes a family's access tokens. `NOT revoked` keeps a second revocation from writing
    /// (and, under SERIALIZABLE, from conflicting with the first).
    static func revokeAccessFamily(_ family: Int64) -> PostgresQuery {
        "UPDATE access_tokens SET revoked = true WHERE family_id = \(family) AND NOT revoked"
    }

    /// Revokes a family's refresh tokens, likewise.
    static func revokeRefreshFamily(_ family: Int64) -> PostgresQuery {
        "UPDATE refresh_tokens SET revoked = true WHERE family_id = \(family) AND NOT revoked"
    }

    /// A Connect session by the digest of its token.
    static func sessionByDigest(_ digest: SecretDigest) throws -> PostgresQuery {
        try "SELECT request, csrf_token, owner_id, expires_at FROM connect_sessions WHERE digest = \(digest.bytes)"
    }

    /// The owner with an email in a mode (emails compare case-insensitively).
    static func ownerByEmail(_ email: String, mode: ConnectMode) -> PostgresQuery {
        "SELECT id, email, password_hash, mode FROM owners WHERE mode = \(mode.rawValue) AND email_key = \(email.lowercased())"
    }

    /// An owner's vehicles in the order they were added.
    static func vehiclesOfOwner(_ ownerID: UUID) -> PostgresQuery {
        "SELECT id, owner_id, make, model, year, vin FROM vehicles WHERE owner_id = \(ownerID) ORDER BY position"
    }

    /// The newest grant an owner gave an application (`approval_prompt=auto`).
    static func latestConsent(applicationID: UUID, ownerID: UUID) -> PostgresQuery {
        """
        SELECT \(unescaped: PostgresStore.grantColumns) FROM grants g
        WHERE g.application_id = \(applicationID) AND g.owner_id = \(ownerID) ORDER BY g.created_at DESC LIMIT 1
        """
    }

    /// One batch of the cleanup: at most 5,000 rows of `table` whose `expiry` passed before `cutoff`.
    static func deleteExpiredBatch(from table: String, key: String, expiry: String, before cutoff: Date) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(cutoff)
        return PostgresQuery(
            unsafeSQL: "DELETE FROM \(table) WHERE \(key) IN (SELECT \(key) FROM \(table) WHERE \(expiry) < $1 LIMIT 5000) RETURNING 1",
            binds: bindings
        )
    }
}
