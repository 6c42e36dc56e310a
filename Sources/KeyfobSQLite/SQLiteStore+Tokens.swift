import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: TokenStore {
    /// A redemption's result inside the write job; a failed check is a value, not a throw, so it
    /// cannot abort the transaction the job shares with others.
    private enum Redemption: Sendable {
        case outcome(CodeRedemption)
        case refused(OAuthError)
        case staleClient
    }

    public func redeem(
        code digest: SecretDigest, by client: ClientVersion, at now: Date,
        check: @escaping @Sendable (AuthorizationCode) throws(OAuthError) -> Void, issuing pair: PairToIssue
    ) async throws -> CodeRedemption {
        let applicationID = client.id
        let result: Redemption = try await write { db in
            guard try Self.isCurrent(client, in: db) else { return .staleClient }
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM authorization_codes WHERE digest = ?"), arguments: [digest.bytes])
            else { return .outcome(.unknown) }
            let code = Self.code(from: row)
            let familyID: Int64 = row["id"]
            // A code of another client is refused without touching it: it stays usable by its owner.
            guard code.applicationID == applicationID else { return .outcome(.unknown) }
            if code.consumedAt != nil {
                try Self.revokeFamily(familyID, in: db)
                return .outcome(.replayed)
            }
            guard code.expiresAt > now else { return .outcome(.expired) }
            do throws(OAuthError) { try check(code) } catch { return .refused(error) }
            try db.cachedStatement(sql: "UPDATE authorization_codes SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL")
                .execute(arguments: [Column.time(now), familyID])
            guard db.changesCount == 1 else { return .outcome(.replayed) }
            try Self.insert(pair, family: familyID, grant: code.grantID, application: applicationID, in: db)
            return .outcome(.redeemed(grantID: code.grantID))
        }
        switch result {
        case .outcome(let outcome): return outcome
        case .refused(let error): throw error
        case .staleClient: throw StaleClientError(client: client)
        }
    }

    public func rotate(
        refresh digest: SecretDigest, by client: ClientVersion, at now: Date, grace: TimeInterval, issuing pair: PairToIssue
    ) async throws -> RefreshRotation {
        let applicationID = client.id
        let rotation: RefreshRotation? = try await write { db in
            guard try Self.isCurrent(client, in: db) else { return nil }
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM refresh_tokens WHERE digest = ?"), arguments: [digest.bytes])
            else { return .unknown }
            guard row.uuid("application_id") == applicationID else { return .unknown }
            let familyID: Int64 = row["family_id"]
            let tokenID: Int64 = row["id"]
            let grantID = row.uuid("grant_id")!
            guard !(row["revoked"] as Bool) else { return .revoked }
            if let usedAt = row.date("used_at") {
                // RFC 9700 §4.14: a used refresh token presented again after the grace window means
                // two parties hold it; revoke the family so neither keeps access.
                guard now.timeIntervalSince(usedAt) <= grace else {
                    try Self.revokeFamily(familyID, in: db)
                    return .reused
                }
                return .repeated(grantID: grantID, firstUsedAt: usedAt)
            }
            guard row.date("expires_at")! > now else { return .expired }
            try db.cachedStatement(sql: "UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL")
                .execute(arguments: [Column.time(now), tokenID])
            guard db.changesCount == 1 else { return .repeated(grantID: grantID, firstUsedAt: now) }
            try Self.insert(pair, family: familyID, grant: grantID, application: applicationID, in: db)
            return .rotated(grantID: grantID)
        }
        guard let rotation else { throw StaleClientError(client: client) }
        return rotation
    }

    public func insertAccessToken(_ token: AccessToken, for client: ClientVersion) async throws {
        let written = try await write { db in
            guard try Self.isCurrent(client, in: db) else { return false }
            try db.cachedStatement(sql: """
                INSERT INTO access_tokens (digest, grant_id, application_id, scope, expires_at, revoked)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
                .execute(arguments: [
                    token.digest.bytes, token.grantID.map(Column.id),
                    Column.id(token.applicationID), Column.list(token.scope), Column.time(token.expiresAt), token.revoked,
                ])
            return true
        }
        guard written else { throw StaleClientError(client: client) }
    }

    /// Whether the client's record is still the version the request authenticated against: the
    /// check that makes the in-memory application cache safe across processes.
    private static func isCurrent(_ client: ClientVersion, in db: Database) throws -> Bool {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT version FROM applications WHERE id = ?"), arguments: [Column.id(client.id)]
        ) == client.version
    }

    public func bearerAccess(digest: SecretDigest) async throws -> BearerAccess? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT t.*, g.id AS g_id, g.application_id AS g_application_id, g.owner_id AS g_owner_id,
                        g.permissions AS g_permissions, g.vehicle_ids AS g_vehicle_ids, g.created_at AS g_created_at
                    FROM access_tokens t
                    JOIN applications a ON a.id = t.application_id
                    LEFT JOIN grants g ON g.id = t.grant_id
                    WHERE t.digest = ?
                    """),
                arguments: [digest.bytes])
            else { return nil }
            let token = AccessToken(
                digest: digest, grantID: row.uuid("grant_id"),
                applicationID: row.uuid("application_id")!, scope: Column.names(row["scope"]),
                expiresAt: row.date("expires_at")!, revoked: row["revoked"])
            // A user token whose grant is gone opens nothing.
            if token.grantID != nil && row["g_id"] == nil { return nil }
            let grant = token.grantID == nil ? nil : Self.grant(from: row, prefix: "g_")
            return BearerAccess(token: token, grant: grant)
        }
    }

    private static func insert(_ pair: PairToIssue, family: Int64, grant: UUID, application: UUID, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at) VALUES (?, ?, ?, ?, '', ?)
            """)
            .execute(arguments: [
                pair.accessDigest.bytes, family, Column.id(grant), Column.id(application),
                Column.time(pair.accessExpiresAt),
            ])
        try db.cachedStatement(sql: """
            INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at) VALUES (?, ?, ?, ?, ?)
            """)
            .execute(arguments: [
                pair.refreshDigest.bytes, family, Column.id(grant), Column.id(application),
                Column.time(pair.refreshExpiresAt),
            ])
    }

    private static func revokeFamily(_ familyID: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE access_tokens SET revoked = 1 WHERE family_id = ?").execute(arguments: [familyID])
        try db.cachedStatement(sql: "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?").execute(arguments: [familyID])
    }

    static func code(from row: Row) -> AuthorizationCode {
        AuthorizationCode(
            digest: row.digest("digest")!, grantID: row.uuid("grant_id")!,
            applicationID: row.uuid("application_id")!, redirectURI: row["redirect_uri"],
            redirectURIWasSent: row["redirect_uri_sent"], codeChallenge: row["code_challenge"],
            codeChallengeMethod: row["code_challenge_method"], expiresAt: row.date("expires_at")!,
            consumedAt: row.date("consumed_at"))
    }
}

