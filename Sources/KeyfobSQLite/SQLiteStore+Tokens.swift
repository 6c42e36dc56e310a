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

    public func deleteExpired(before cutoff: Date) async throws -> Int {
        // Small batches, so the writer is never held long enough to stall the token endpoint.
        var removed = 0
        removed += try await write { db in
            try db.execute(sql: "DELETE FROM connect_sessions WHERE expires_at < ?", arguments: [Column.time(cutoff)])
            return db.changesCount
        }
        for table in ["authorization_codes", "access_tokens", "refresh_tokens"] {
            while true {
                let count = try await write { db in
                    try db.execute(
                        sql: "DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE expires_at < ? LIMIT 5000)",
                        arguments: [Column.time(cutoff)])
                    return db.changesCount
                }
                removed += count
                if count < 5000 { break }
            }
        }
        return removed + (try await deleteDeadGrants(createdBefore: cutoff - 3600))
    }

    /// Grants that no code or token refers to any more. None can gain one later: codes are only
    /// written together with a new grant, and tokens only come from a code or a refresh token of the
    /// grant. Found on a reader (the scans never hold the writer), deleted in small batches.
    private func deleteDeadGrants(createdBefore cutoff: Date) async throws -> Int {
        let dead = try await read { db in
            try String.fetchAll(
                db, sql: """
                    SELECT id FROM grants WHERE created_at < ?
                    EXCEPT SELECT grant_id FROM authorization_codes
                    EXCEPT SELECT grant_id FROM refresh_tokens
                    EXCEPT SELECT grant_id FROM access_tokens WHERE grant_id IS NOT NULL
                    """, arguments: [Column.time(cutoff)])
        }
        var removed = 0
        for start in stride(from: 0, to: dead.count, by: 5000) {
            let batch = Array(dead[start..<min(start + 5000, dead.count)])
            removed += try await write { db in
                try db.execute(
                    sql: "DELETE FROM grants WHERE id IN (\(databaseQuestionMarks(count: batch.count)))",
                    arguments: StatementArguments(batch))
                return db.changesCount
            }
        }
        return removed
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

extension SQLiteStore {
    public func revoke(digest: SecretDigest, of applicationID: UUID) async throws -> RevokedToken? {
        try await write { db in
            try db.execute(
                sql: "UPDATE access_tokens SET revoked = 1 WHERE digest = ? AND application_id = ?",
                arguments: [digest.bytes, Column.id(applicationID)])
            if db.changesCount == 1 { return .accessToken }
            guard let family = try Int64.fetchOne(
                db, sql: "SELECT family_id FROM refresh_tokens WHERE digest = ? AND application_id = ?",
                arguments: [digest.bytes, Column.id(applicationID)])
            else { return nil }
            // RFC 7009 §2.1: revoking a refresh token also ends the access tokens of its grant.
            try db.execute(sql: "UPDATE access_tokens SET revoked = 1 WHERE family_id = ?", arguments: [family])
            try db.execute(sql: "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", arguments: [family])
            return .refreshToken
        }
    }

    public func refreshTokenState(digest: SecretDigest) async throws -> RefreshTokenState? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db, sql: """
                    SELECT r.application_id, r.expires_at, r.used_at, r.revoked, g.id AS g_id, g.application_id AS g_application_id,
                        g.owner_id AS g_owner_id, g.permissions AS g_permissions, g.vehicle_ids AS g_vehicle_ids, g.created_at AS g_created_at
                    FROM refresh_tokens r
                    JOIN applications a ON a.id = r.application_id
                    LEFT JOIN grants g ON g.id = r.grant_id
                    WHERE r.digest = ?
                    """, arguments: [digest.bytes])
            else { return nil }
            return RefreshTokenState(
                applicationID: row.uuid("application_id")!, grant: row["g_id"] == nil ? nil : Self.grant(from: row, prefix: "g_"),
                expiresAt: row.date("expires_at")!, usedAt: row.date("used_at"), revoked: row["revoked"])
        }
    }
}
