import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: TokenStore {
    public func redeem(
        code digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        check: @escaping @Sendable (AuthorizationCode) throws(OAuthError) -> Void,
        issuing pair: PairToIssue
    ) async throws -> CodeRedemption {
        let applicationID = client.id
        // The write also returns the row of the code it spent, for the undo.
        let (result, _): (result: RedemptionResult, spentCode: Int64?) = try await write(
            { db in
                guard try Self.isCurrent(client, in: db) else { return (.staleClient, nil) }
                let found = try Self.storedCode(digest, in: db)
                let verdict = CodeRedemptionRule.verdict(for: found?.code.redemptionState, presentedBy: applicationID, at: now)
                guard verdict == .consume, let stored = found else {
                    if verdict == .replay, let family = found?.familyID { try Self.revokeFamily(family, in: db) }
                    return (.outcome(verdict.refusal), nil)
                }
                let code = stored.code
                do throws(OAuthError) { try check(code) } catch { return (.refused(error), nil) }
                let family = try Self.startFamily(grant: stored.grantText, application: stored.applicationText, at: now, in: db)
                let consume = try DirectStatement(
                    "UPDATE authorization_codes SET consumed_at = ?, family_id = ? WHERE id = ? AND consumed_at IS NULL",
                    in: db
                )
                consume.bind(1, Column.time(now))
                consume.bind(2, family)
                consume.bind(3, stored.id)
                try consume.execute()
                guard db.changesCount == 1 else {
                    try Self.deleteFamily(family, in: db)
                    return (.outcome(.replayed), nil)
                }
                try Self.insert(pair, family: family, grant: stored.grantText, application: stored.applicationText, in: db)
                return (.outcome(.redeemed(consentID: code.consentID, scope: stored.grantedScope)), stored.id)
            },
            undo: { db, written in
                // Answered 503 while the commit stalled: the code was not spent, as far as the client knows.
                guard let codeID = written.spentCode else { return }
                if let family = try Int64.fetchOne(db, sql: "SELECT family_id FROM authorization_codes WHERE id = ?", arguments: [codeID]) {
                    try Self.deleteFamily(family, in: db)
                }
                try db.execute(sql: "UPDATE authorization_codes SET consumed_at = NULL, family_id = NULL WHERE id = ?", arguments: [codeID])
                try Self.delete(pair, in: db)
            }
        )
        return try result.answer(for: client)
    }

    public func rotate(
        refresh digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        grace: TimeInterval,
        issuing pair: PairToIssue
    ) async throws -> RefreshRotation {
        let applicationID = client.id
        // The write also returns the row of the token it used, for the undo.
        let (rotation, _): (rotation: RefreshRotation?, usedToken: Int64?) = try await write(
            { db in
                guard try Self.isCurrent(client, in: db) else { return (nil, nil) }
                let found = try Self.storedRefreshToken(digest, in: db)
                let verdict = RefreshRotationRule.verdict(
                    for: found?.ruleState,
                    presentedBy: applicationID,
                    presentedKey: pair.boundKey,
                    at: now,
                    grace: grace
                )
                guard verdict == .rotate, let stored = found else {
                    if let found, case .repeatFirstUse(let firstUsedAt) = verdict {
                        return (
                            .repeated(
                                consentID: UUIDText.parse(found.grantText)!,
                                firstUsedAt: firstUsedAt,
                                scope: try Self.issuedScope(pair, granted: found.grantedScope, in: db)
                            ), nil
                        )
                    }
                    if verdict == .reuse, let found { try Self.revokeFamily(found.familyID, in: db) }
                    return (verdict.refusal, nil)
                }
                let consentID = UUIDText.parse(stored.grantText)!
                // Split the grant's permissions only when the pair narrows them: the writer's time is the rate.
                if pair.accessScope != nil, let outside = pair.scopeOutside(granted: Column.names(stored.grantedScope)) {
                    return (.scopeExceeded(permission: outside), nil)
                }
                let markUsed = try DirectStatement("UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL", in: db)
                markUsed.bind(1, Column.time(now))
                markUsed.bind(2, stored.id)
                try markUsed.execute()
                guard db.changesCount == 1 else {
                    return (
                        .repeated(
                            consentID: consentID,
                            firstUsedAt: now,
                            scope: try Self.issuedScope(pair, granted: stored.grantedScope, in: db)
                        ), nil
                    )
                }
                try Self.insert(
                    pair,
                    family: stored.familyID,
                    grant: stored.grantText,
                    application: stored.applicationText,
                    in: db
                )
                return (.rotated(consentID: consentID, scope: pair.answeredScope(granted: stored.grantedScope)), stored.id)
            },
            undo: { db, written in
                // Answered 503 while the commit stalled: the token was not used, as far as the client knows.
                guard let refreshID = written.usedToken else { return }
                try db.execute(sql: "UPDATE refresh_tokens SET used_at = NULL WHERE id = ?", arguments: [refreshID])
                try Self.delete(pair, in: db)
            }
        )
        guard let rotation else { throw StaleClientError(client: client) }
        return rotation
    }

    public func insertAccessToken(_ token: AccessToken, for client: ClientVersion) async throws {
        let written = try await write(
            { db in
                guard try Self.isCurrent(client, in: db) else { return false }
                let insert = try DirectStatement(
                    """
                    INSERT INTO access_tokens (digest, grant_id, application_id, scope, expires_at, revoked, jkt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    in: db
                )
                insert.bind(1, token.digest.bytes)
                // Left unbound, grant_id is NULL: an application token has no grant.
                if let consentID = token.consentID { insert.bind(2, Column.id(consentID)) }
                insert.bind(3, Column.id(token.applicationID))
                insert.bind(4, Column.list(token.scope))
                insert.bind(5, Column.time(token.expiresAt))
                insert.bind(6, Int64(token.revoked ? 1 : 0))
                if let keyThumbprint = token.keyThumbprint { insert.bind(7, keyThumbprint) }
                try insert.execute()
                return true
            },
            undo: { db, written in
                guard written else { return }
                try db.execute(sql: "DELETE FROM access_tokens WHERE digest = ?", arguments: [token.digest.bytes])
            }
        )
        guard written else { throw StaleClientError(client: client) }
    }

    /// Whether the client's record is still the version the request authenticated against: the
    /// check that makes the in-memory application cache safe across processes.
    static func isCurrent(_ client: ClientVersion, in db: Database) throws -> Bool {
        let select = try DirectStatement("SELECT version FROM applications WHERE id = ?", in: db)
        select.bind(1, Column.id(client.id))
        return try select.step() && select.int64(0) == client.version
    }

    /// The scope of the access token a grace-window repeat answers again: the one the first use
    /// wrote, whatever the repeat asks for.
    private static func issuedScope(_ pair: PairToIssue, granted: String, in db: Database) throws -> String {
        let select = try DirectStatement("SELECT scope FROM access_tokens WHERE digest = ?", in: db)
        select.bind(1, pair.accessDigest.bytes)
        let stored = try select.step() ? Column.names(select.text(0)) : []
        return AccessToken.effectiveScope(stored: stored, granted: Column.names(granted)).joined(separator: " ")
    }

    /// A code's row as the redemption needs it: the record, its integer id, the family its
    /// redemption started (nil while unspent), its id columns' text, written unchanged into the
    /// new tokens, and what the owner granted.
    private struct StoredCode {
        let id: Int64
        let familyID: Int64?
        let code: AuthorizationCode
        let grantText: String
        let applicationText: String
        /// The grant's permissions, space-separated as stored.
        let grantedScope: String
    }

    private static func storedCode(_ digest: SecretDigest, in db: Database) throws -> StoredCode? {
        let select = try DirectStatement(
            """
            SELECT c.id, c.grant_id, c.application_id, c.redirect_uri, c.redirect_uri_sent, c.code_challenge,
                c.code_challenge_method, c.expires_at, c.consumed_at,
                coalesce(nullif(c.scope, ''), (SELECT permissions FROM grants WHERE id = c.grant_id), ''), c.family_id
            FROM authorization_codes c WHERE c.digest = ?
            """,
            in: db
        )
        select.bind(1, digest.bytes)
        guard try select.step() else { return nil }
        let grantText = select.text(1)
        let applicationText = select.text(2)
        let code = AuthorizationCode(
            digest: digest,
            consentID: UUIDText.parse(grantText)!,
            applicationID: UUIDText.parse(applicationText)!,
            redirectURI: select.text(3),
            redirectURIWasSent: select.int64(4) != 0,
            codeChallenge: select.optionalText(5),
            codeChallengeMethod: select.optionalText(6),
            expiresAt: Column.date(select.double(7)),
            consumedAt: select.optionalDouble(8).map(Column.date)
        )
        return StoredCode(
            id: select.int64(0),
            familyID: select.optionalInt64(10),
            code: code,
            grantText: grantText,
            applicationText: applicationText,
            grantedScope: select.text(9)
        )
    }

    /// A refresh token's row as the rotation needs it, with its id columns' text as stored.
    private struct StoredRefreshToken {
        let id: Int64
        let familyID: Int64
        let grantText: String
        let applicationText: String
        let revoked: Bool
        let usedAt: Date?
        let expiresAt: Date
        /// The grant's permissions, space-separated as stored.
        let grantedScope: String
        let keyThumbprint: String?

        var ruleState: RefreshRotationRule.Stored {
            .init(
                applicationID: UUIDText.parse(applicationText)!,
                revoked: revoked,
                usedAt: usedAt,
                expiresAt: expiresAt,
                boundKey: keyThumbprint
            )
        }
    }

    private static func storedRefreshToken(_ digest: SecretDigest, in db: Database) throws -> StoredRefreshToken? {
        let select = try DirectStatement(
            """
            SELECT r.id, r.family_id, r.grant_id, r.application_id, r.revoked, r.used_at, r.expires_at,
                coalesce(g.permissions, ''), r.jkt
            FROM refresh_tokens r LEFT JOIN grants g ON g.id = r.grant_id WHERE r.digest = ?
            """,
            in: db
        )
        select.bind(1, digest.bytes)
        guard try select.step() else { return nil }
        return StoredRefreshToken(
            id: select.int64(0),
            familyID: select.int64(1),
            grantText: select.text(2),
            applicationText: select.text(3),
            revoked: select.int64(4) != 0,
            usedAt: select.optionalDouble(5).map(Column.date),
            expiresAt: Column.date(select.double(6)),
            grantedScope: select.text(7),
            keyThumbprint: select.optionalText(8)
        )
    }

    /// Made once: the statement cache finds it by its text.
    private static let bearerAccessQuery = """
        SELECT t.grant_id, t.application_id, t.scope, t.expires_at, t.revoked, t.jkt, \(SQLiteStore.grantColumns)
        FROM access_tokens t
        JOIN applications a ON a.id = t.application_id
        LEFT JOIN grants g ON g.id = t.grant_id
        WHERE t.digest = ?
        """

    public func bearerAccess(digest: SecretDigest) async throws -> BearerAccess? {
        // One statement, so it needs no transaction of its own (`pointRead`).
        try await pointRead { db in try Self.bearerAccess(digest: digest, in: db) }
    }

    /// Read by position (`DirectStatement`), since every introspection and every v2 call runs it.
    static func bearerAccess(digest: SecretDigest, in db: Database) throws -> BearerAccess? {
        let select = try DirectStatement(Self.bearerAccessQuery, in: db)
        select.bind(1, digest.bytes)
        guard try select.step(), let applicationID = UUIDText.parse(select.text(1)) else { return nil }
        let token = AccessToken(
            digest: digest,
            consentID: select.optionalText(0).flatMap(UUIDText.parse),
            applicationID: applicationID,
            scope: Column.names(select.text(2)),
            expiresAt: Column.date(select.double(3)),
            revoked: select.int64(4) != 0,
            keyThumbprint: select.optionalText(5)
        )
        guard token.consentID != nil else { return BearerAccess(token: token, grant: nil) }
        // A user token whose grant is gone opens nothing.
        guard let grant = Self.grant(from: select, at: 6) else { return nil }
        return BearerAccess(token: token, grant: grant)
    }

    /// The new pair's rows; `grant` and `application` are id columns' text as stored.
    static func insert(_ pair: PairToIssue, family: Int64, grant: String, application: String, in db: Database) throws {
        // Both statements take the same parameters in the same order: the key each token is
        // bound to (NULL: none), and for the access token its scope ('' is the grant's).
        let rows = [
            (
                sql: "INSERT INTO access_tokens (digest, family_id, grant_id, application_id, expires_at, jkt, scope) VALUES (?, ?, ?, ?, ?, ?, ?)",
                digest: pair.accessDigest, expiresAt: pair.accessExpiresAt, key: pair.boundKey,
                scope: Optional(Column.list(pair.accessScope ?? []))
            ),
            (
                sql: "INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at, jkt) VALUES (?, ?, ?, ?, ?, ?)",
                digest: pair.refreshDigest, expiresAt: pair.refreshExpiresAt, key: pair.refreshKeyThumbprint, scope: nil
            ),
        ]
        for row in rows {
            let insert = try DirectStatement(row.sql, in: db)
            insert.bind(1, row.digest.bytes)
            insert.bind(2, family)
            insert.bind(3, grant)
            insert.bind(4, application)
            insert.bind(5, Column.time(row.expiresAt))
            if let key = row.key { insert.bind(6, key) }
            if let scope = row.scope { insert.bind(7, scope) }
            try insert.execute()
        }
    }

    /// Removes a pair written by a redemption or rotation that is being undone.
    static func delete(_ pair: PairToIssue, in db: Database) throws {
        try db.execute(sql: "DELETE FROM access_tokens WHERE digest = ?", arguments: [pair.accessDigest.bytes])
        try db.execute(sql: "DELETE FROM refresh_tokens WHERE digest = ?", arguments: [pair.refreshDigest.bytes])
    }

    /// A new token family: the identity every pair issued from one authorization shares, so a
    /// replay or a reuse can revoke them all (RFC 9700 §4.14.2). `origin` names the grant that
    /// started it.
    static func startFamily(
        grant: String,
        application: String,
        at now: Date,
        origin: String = GrantType.authorizationCode,
        in db: Database
    ) throws -> Int64 {
        let insert = try DirectStatement(
            "INSERT INTO token_families (grant_id, application_id, origin, created_at) VALUES (?, ?, ?, ?)",
            in: db
        )
        insert.bind(1, grant)
        insert.bind(2, application)
        insert.bind(3, origin)
        insert.bind(4, Column.time(now))
        try insert.execute()
        return db.lastInsertedRowID
    }

    static func deleteFamily(_ familyID: Int64, in db: Database) throws {
        try db.execute(sql: "DELETE FROM token_families WHERE id = ?", arguments: [familyID])
    }

    private static func revokeFamily(_ familyID: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE access_tokens SET revoked = 1 WHERE family_id = ?").execute(arguments: [familyID])
        try db.cachedStatement(sql: "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?").execute(arguments: [familyID])
    }
}
