import Foundation
import KeyfobCore
import PostgresNIO

// The statements every token request runs, prepared once per connection (postgres-nio keeps them by
// name). The rarer paths — a refused or replayed code, admin calls — use one-off queries. Each
// names itself: postgres-nio's default name is `String(reflecting:)` of the type, built again on
// every run (1 % of an exchange).

/// Consumes a live code of this client, if the client is still at the version the request
/// authenticated against, and numbers the token family its redemption starts. The `consumed_at IS NULL` condition is what makes one redemption win:
/// a racing transaction waits on the row lock and then finds the condition false.
struct ClaimCode: PostgresPreparedStatement {
    static let name = "keyfob.ClaimCode"
    static let sql = """
        UPDATE authorization_codes c SET consumed_at = $3, family_id = nextval('token_family_ids')
        FROM applications a
        WHERE c.digest = $1 AND c.application_id = $2 AND c.consumed_at IS NULL AND c.expires_at > $3
            AND a.id = $2 AND a.version = $4
        RETURNING c.family_id, c.grant_id, c.redirect_uri, c.redirect_uri_sent, c.code_challenge, c.code_challenge_method, c.expires_at,
            coalesce((SELECT g.permissions FROM grants g WHERE g.id = c.grant_id), '{}')
        """
    typealias Row = (family: Int64, code: AuthorizationCode, grantedScope: [String])
    let digest: SecretDigest
    let client: ClientVersion
    let now: Date

    func makeBindings() throws -> PostgresBindings { try claimBindings(digest, client, now) }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try Self.claimed(row.makeRandomAccess(), from: 0, digest: digest, applicationID: client.id)
    }

    /// A claim's columns as `sql` returns them, from column `first` on (`ClaimCodes` puts its
    /// ordinal before them). By position: a tuple decode looks its generic type up on every row.
    static func claimed(_ cells: PostgresRandomAccessRow, from first: Int, digest: SecretDigest, applicationID: UUID) throws -> Row {
        let code = AuthorizationCode(
            digest: digest,
            consentID: try cells[first + 1].decode(UUID.self),
            applicationID: applicationID,
            redirectURI: try cells[first + 2].decode(String.self),
            redirectURIWasSent: try cells[first + 3].decode(Bool.self),
            codeChallenge: try cells[first + 4].decode(String?.self),
            codeChallengeMethod: try cells[first + 5].decode(String?.self),
            expiresAt: try cells[first + 6].decode(Date.self),
            consumedAt: nil
        )
        return (try cells[first].decode(Int64.self), code, try cells[first + 7].decode([String].self))
    }
}

/// Marks a live refresh token of this client used, under the same conditions as `ClaimCode`,
/// and only when it is unbound or bound to the DPoP key the request proved (`$5`).
struct ClaimRefreshToken: PostgresPreparedStatement {
    static let name = "keyfob.ClaimRefreshToken"
    static let sql = """
        UPDATE refresh_tokens r SET used_at = $3
        FROM applications a
        WHERE r.digest = $1 AND r.application_id = $2 AND r.used_at IS NULL AND NOT r.revoked AND r.expires_at > $3
            AND (r.jkt IS NULL OR r.jkt = $5)
            AND a.id = $2 AND a.version = $4
        RETURNING r.family_id, r.grant_id, coalesce((SELECT g.permissions FROM grants g WHERE g.id = r.grant_id), '{}')
        """
    typealias Row = (family: Int64, consentID: UUID, grantedScope: [String])
    let digest: SecretDigest
    let client: ClientVersion
    let now: Date
    let presentedKey: String?

    func makeBindings() throws -> PostgresBindings {
        var bindings = try claimBindings(digest, client, now)
        bindings.append(presentedKey)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode((Int64, UUID, [String]).self) }
}

/// The parameters both claims take: digest, client id, now, client version.
private func claimBindings(_ digest: SecretDigest, _ client: ClientVersion, _ now: Date) throws -> PostgresBindings {
    var bindings = PostgresBindings(capacity: 4)
    try bindings.append(digest.bytes)
    bindings.append(client.id)
    bindings.append(now)
    bindings.append(client.version)
    return bindings
}

/// Writes a token pair in one statement.
struct InsertPair: PostgresPreparedStatement {
    static let name = "keyfob.InsertPair"
    static let sql = """
        WITH access AS (
            INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at, jkt)
            VALUES ($1, $3, $4, $5, $8, $2, $9)
        )
        INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at, jkt) VALUES ($6, $3, $4, $5, $7, $10)
        """
    typealias Row = Void
    let pair: PairToIssue
    let family: Int64
    let consentID: UUID
    let applicationID: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 10)
        try bindings.append(pair.accessDigest.bytes)
        bindings.append(pair.accessExpiresAt)
        bindings.append(family)
        bindings.append(consentID)
        bindings.append(applicationID)
        try bindings.append(pair.refreshDigest.bytes)
        bindings.append(pair.refreshExpiresAt)
        // '{}' is the grant's scope.
        bindings.append(pair.accessScope ?? [])
        // The DPoP keys the tokens are bound to; NULL for none.
        bindings.append(pair.boundKey)
        bindings.append(pair.refreshKeyThumbprint)
        return bindings
    }
}

/// Starts the token family a redeemed code numbered (`ClaimCode`) and writes its first pair, in
/// one statement.
struct InsertFirstPair: PostgresPreparedStatement {
    static let name = "keyfob.InsertFirstPair"
    static let sql = """
        WITH family AS (
            INSERT INTO token_families (id, grant_id, application_id, origin, created_at)
            VALUES ($3, $4, $5, 'authorization_code', $11)
        ), access AS (
            INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at, jkt)
            VALUES ($1, $3, $4, $5, $8, $2, $9)
        )
        INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at, jkt) VALUES ($6, $3, $4, $5, $7, $10)
        """
    typealias Row = Void
    let pair: InsertPair
    let startedAt: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = try pair.makeBindings()
        bindings.append(startedAt)
        return bindings
    }
}

/// Writes an application (client_credentials) token if the client is still at its version.
struct InsertApplicationToken: PostgresPreparedStatement {
    static let name = "keyfob.InsertApplicationToken"
    static let sql = """
        INSERT INTO access_tokens (digest, grant_id, application_id, scope, expires_at, revoked, jkt)
        SELECT $1::bytea, $2::uuid, $3::uuid, $4::text[], $5::timestamptz, $6::boolean, $8::text
        FROM applications WHERE id = $3 AND version = $7
        RETURNING id
        """
    typealias Row = Int64
    let token: AccessToken
    let client: ClientVersion

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 8)
        try bindings.append(token.digest.bytes)
        bindings.append(token.consentID)
        bindings.append(token.applicationID)
        bindings.append(token.scope)
        bindings.append(token.expiresAt)
        bindings.append(token.revoked)
        bindings.append(client.version)
        bindings.append(token.keyThumbprint)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}

/// An access token with its grant, for every call to the vehicle API.
struct BearerLookup: PostgresPreparedStatement {
    static let name = "keyfob.BearerLookup"
    static let sql = """
        SELECT t.grant_id, t.application_id, t.scope, t.expires_at, t.revoked, t.jkt, \(PostgresStore.grantColumns)
        FROM access_tokens t
        JOIN applications a ON a.id = t.application_id
        LEFT JOIN grants g ON g.id = t.grant_id
        WHERE t.digest = $1
        """
    typealias Row = BearerAccess?
    let digest: SecretDigest

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        try bindings.append(digest.bytes)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> BearerAccess? {
        let cells = row.makeRandomAccess()
        let token = AccessToken(
            digest: digest,
            consentID: try cells[0].decode(UUID?.self),
            applicationID: try cells[1].decode(UUID.self),
            scope: try cells[2].decode([String].self),
            expiresAt: try cells[3].decode(Date.self),
            revoked: try cells[4].decode(Bool.self),
            keyThumbprint: try cells[5].decode(String?.self)
        )
        guard token.consentID != nil else { return BearerAccess(token: token, grant: nil) }
        // A user token whose grant is gone opens nothing.
        guard try cells[6].decode(UUID?.self) != nil else { return nil }
        return BearerAccess(token: token, grant: try PostgresStore.grant(from: row, offset: 6))
    }
}
