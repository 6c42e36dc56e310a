import Foundation
import KeyfobConnect
import KeyfobCore

extension MemoryStore {
    public func redeem(
        code digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        check: @escaping @Sendable (AuthorizationCode) throws(OAuthError) -> Void,
        issuing pair: PairToIssue
    ) throws -> CodeRedemption {
        guard isCurrent(client) else { throw StaleClientError(client: client) }
        let found = codes[digest]
        let verdict = CodeRedemptionRule.verdict(for: found?.code.redemptionState, presentedBy: client.id, at: now)
        guard verdict == .consume, let stored = found else {
            if verdict == .replay, let family = found?.family { revokeFamily(family) }
            return verdict.refusal
        }
        try check(stored.code)
        nextFamily += 1
        families[nextFamily] = StoredFamily(
            consentID: stored.code.consentID,
            applicationID: client.id,
            origin: "authorization_code",
            createdAt: now
        )
        codes[digest]?.code.consumedAt = now
        codes[digest]?.family = nextFamily
        let granted = consentRecords[stored.code.consentID]?.permissions ?? []
        insert(pair, family: nextFamily, consentID: stored.code.consentID, applicationID: client.id)
        return .redeemed(consentID: stored.code.consentID, scope: granted.joined(separator: " "))
    }

    public func rotate(
        refresh digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        grace: TimeInterval,
        issuing pair: PairToIssue
    ) throws -> RefreshRotation {
        guard isCurrent(client) else { throw StaleClientError(client: client) }
        let found = refreshTokens[digest]
        let state = found.map {
            RefreshRotationRule.Stored(
                applicationID: $0.applicationID,
                revoked: $0.revoked,
                usedAt: $0.usedAt,
                expiresAt: $0.expiresAt,
                boundKey: $0.keyThumbprint
            )
        }
        let verdict = RefreshRotationRule.verdict(for: state, presentedBy: client.id, presentedKey: pair.boundKey, at: now, grace: grace)
        let granted = found.flatMap { consentRecords[$0.consentID]?.permissions } ?? []
        guard verdict == .rotate, let stored = found else {
            if let found, case .repeatFirstUse(let firstUsedAt) = verdict {
                let issued = accessTokens[pair.accessDigest]?.token.scope ?? []
                return .repeated(
                    consentID: found.consentID,
                    firstUsedAt: firstUsedAt,
                    scope: AccessToken.effectiveScope(stored: issued, granted: granted).joined(separator: " ")
                )
            }
            if verdict == .reuse, let found { revokeFamily(found.family) }
            return verdict.refusal
        }
        if let outside = pair.scopeOutside(granted: granted) { return .scopeExceeded(permission: outside) }
        refreshTokens[digest]?.usedAt = now
        insert(pair, family: stored.family, consentID: stored.consentID, applicationID: client.id)
        return .rotated(consentID: stored.consentID, scope: pair.effectiveScope(granted: granted).joined(separator: " "))
    }

    public func insertAccessToken(_ token: AccessToken, for client: ClientVersion) throws {
        guard isCurrent(client) else { throw StaleClientError(client: client) }
        accessTokens[token.digest] = StoredAccessToken(token: token, family: nil)
    }

    public func bearerAccess(digest: SecretDigest) -> BearerAccess? {
        guard let stored = accessTokens[digest], applicationRecords[stored.token.applicationID] != nil else { return nil }
        guard let consentID = stored.token.consentID else { return BearerAccess(token: stored.token, grant: nil) }
        // A user token whose grant is gone opens nothing.
        guard let grant = consentRecords[consentID] else { return nil }
        return BearerAccess(token: stored.token, grant: grant)
    }

    public func revoke(digest: SecretDigest, of applicationID: UUID) -> RevokedToken? {
        if let stored = accessTokens[digest], stored.token.applicationID == applicationID {
            accessTokens[digest]?.token.revoked = true
            return .accessToken
        }
        guard let stored = refreshTokens[digest], stored.applicationID == applicationID else { return nil }
        // RFC 7009 §2.1: revoking a refresh token ends its family's access tokens too.
        revokeFamily(stored.family)
        return .refreshToken
    }

    public func refreshTokenState(digest: SecretDigest) -> RefreshTokenState? {
        guard let stored = refreshTokens[digest], applicationRecords[stored.applicationID] != nil else { return nil }
        return RefreshTokenState(
            applicationID: stored.applicationID,
            grant: consentRecords[stored.consentID],
            expiresAt: stored.expiresAt,
            usedAt: stored.usedAt,
            revoked: stored.revoked
        )
    }

    public func deleteExpired(before cutoff: Date) -> Int {
        let before =
            dpopProofs.count + pushedRequests.count + deviceAuthorizations.count + sessions.count + loginFailures.count + codes.count
            + accessTokens.count
            + refreshTokens.count
            + consentRecords.count
        let familiesBefore = families.count
        sessions = sessions.filter { $0.value.expiresAt >= cutoff }
        pushedRequests = pushedRequests.filter { $0.value.expiresAt >= cutoff }
        dpopProofs = dpopProofs.filter { $0.value >= cutoff }
        loginFailures = loginFailures.filter { $0.value.windowEndsAt >= cutoff }
        codes = codes.filter { $0.value.code.expiresAt >= cutoff }
        accessTokens = accessTokens.filter { $0.value.token.expiresAt >= cutoff }
        refreshTokens = refreshTokens.filter { $0.value.expiresAt >= cutoff }
        deviceAuthorizations = deviceAuthorizations.filter { $0.value.record.expiresAt >= cutoff }
        userCodesByDeviceCode = userCodesByDeviceCode.filter { deviceAuthorizations[$0.value] != nil }
        // Grants nothing refers to any more, as the SQL stores find them; none can gain a code or
        // token later.
        let referenced = Set(codes.values.map(\.code.consentID)).union(refreshTokens.values.map(\.consentID))
            .union(deviceAuthorizations.values.compactMap(\.record.status.consentID))
            .union(accessTokens.values.compactMap(\.token.consentID))
        consentRecords = consentRecords.filter { referenced.contains($0.key) || $0.value.createdAt >= cutoff - 3600 }
        // Families whose tokens are all gone; only a rotation adds to one, and it needs one of its
        // refresh tokens.
        let living = Set(refreshTokens.values.map(\.family)).union(accessTokens.values.compactMap(\.family))
        families = families.filter { living.contains($0.key) || $0.value.createdAt >= cutoff - 3600 }
        let after =
            dpopProofs.count + pushedRequests.count + deviceAuthorizations.count + sessions.count + loginFailures.count + codes.count
            + accessTokens.count
            + refreshTokens.count
            + consentRecords.count
        return before - after + (familiesBefore - families.count)
    }

    func isCurrent(_ client: ClientVersion) -> Bool {
        applicationRecords[client.id]?.version == client.version
    }

    func insert(_ pair: PairToIssue, family: Int64, consentID: UUID, applicationID: UUID) {
        accessTokens[pair.accessDigest] = StoredAccessToken(
            token: AccessToken(
                digest: pair.accessDigest,
                consentID: consentID,
                applicationID: applicationID,
                scope: pair.accessScope ?? [],
                expiresAt: pair.accessExpiresAt,
                keyThumbprint: pair.boundKey
            ),
            family: family
        )
        refreshTokens[pair.refreshDigest] = StoredRefreshToken(
            applicationID: applicationID,
            consentID: consentID,
            family: family,
            expiresAt: pair.refreshExpiresAt,
            keyThumbprint: pair.refreshKeyThumbprint
        )
    }

    private func revokeFamily(_ family: Int64) {
        for (digest, stored) in accessTokens where stored.family == family { accessTokens[digest]?.token.revoked = true }
        for (digest, stored) in refreshTokens where stored.family == family { refreshTokens[digest]?.revoked = true }
    }
}
