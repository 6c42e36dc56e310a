import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: TokenStore {
    public func redeem(
        code digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        check: @escaping @Sendable (AuthorizationCode) throws(OAuthError) -> Void,
        issuing pair: PairToIssue
    ) async throws -> CodeRedemption {
        let code = CodeToRedeem(digest: digest, client: client, now: now, check: check, pair: pair)
        if let batched = try await redemptions.submit(code, key: digest.bytes, run: { codes in await self.redeemBatch(codes) }) {
            return try batched.answer(for: client)
        }
        // Not claimed in its batch: the code is unknown, someone else's, spent (a replay) or
        // expired, or the client is stale. One transaction says which, as for a lone request.
        let result: RedemptionResult = try await transaction { connection in
            let claim = ClaimCode(digest: digest, client: client, now: now)
            if let (family, code, grantedScope) = try await connection.execute(claim, logger: self.logger).firstAfterDraining() {
                do throws(OAuthError) { try check(code) } catch { return .rollback(.refused(error)) }
                try await connection.run(
                    InsertFirstPair(
                        pair: InsertPair(pair: pair, family: family, consentID: code.consentID, applicationID: client.id),
                        startedAt: now
                    ),
                    logger: self.logger
                )
                return .commit(.outcome(.redeemed(consentID: code.consentID, scope: grantedScope.joined(separator: " "))))
            }
            return try await self.whyNotClaimed(code: digest, by: client, at: now, on: connection)
        }
        return try result.answer(for: client)
    }

    /// Redeems a batch of codes in one transaction of four round trips however many it holds:
    /// claim them all, check each request against its code, give back the codes whose check
    /// failed, write every pair. Each answer is sent only after the commit. A code not claimed
    /// answers nil, for `redeem` to find out why on its own; a failure of the transaction answers
    /// every request with it (a 503), as it would have a lone request.
    func redeemBatch(_ codes: [CodeToRedeem]) async -> [Result<RedemptionResult?, any Error>] {
        let order = codes.indices.sorted { codes[$0].digest.bytes.lexicographicallyPrecedes(codes[$1].digest.bytes) }
        let sorted = order.map { codes[$0] }
        do {
            let answers: [RedemptionResult?] = try await transaction { connection in
                var answers = [RedemptionResult?](repeating: nil, count: sorted.count)
                var refused: [SecretDigest] = []
                var pairs: [(code: CodeToRedeem, family: Int64, consentID: UUID)] = []
                for try await (index, claim) in try await connection.execute(ClaimCodes(codes: sorted), logger: self.logger) {
                    let code = sorted[index]
                    do throws(OAuthError) {
                        try code.check(claim.code)
                        pairs.append((code, claim.family, claim.code.consentID))
                        let scope = claim.grantedScope.joined(separator: " ")
                        answers[index] = .outcome(.redeemed(consentID: claim.code.consentID, scope: scope))
                    } catch {
                        refused.append(code.digest)
                        answers[index] = .refused(error)
                    }
                }
                if !refused.isEmpty { try await connection.run(UnclaimCodes(digests: refused), logger: self.logger) }
                if !pairs.isEmpty { try await connection.run(InsertFirstPairs(pairs: pairs), logger: self.logger) }
                return .commit(answers)
            }
            var inArrivalOrder = [Result<RedemptionResult?, any Error>](repeating: .success(nil), count: codes.count)
            for (position, index) in order.enumerated() { inArrivalOrder[index] = .success(answers[position]) }
            return inArrivalOrder
        } catch {
            return Array(repeating: .failure(error), count: codes.count)
        }
    }

    /// The claim changed nothing: the client is stale, or the code is unknown, someone else's,
    /// consumed (a replay, which revokes what it issued) or expired.
    private func whyNotClaimed(
        code digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        on connection: PostgresConnection
    ) async throws -> TransactionEnd<RedemptionResult> {
        guard try await Self.isCurrent(client, on: connection, logger: logger) else { return .rollback(.staleClient) }
        let rows = try await connection.query(try PostgresLookups.codeByDigest(digest), logger: logger)
        let found = try await rows.decode((Int64?, UUID, Date?, Date).self).firstAfterDraining()
        let state = found.map { CodeRedemptionRule.Stored(applicationID: $0.1, consumedAt: $0.2, expiresAt: $0.3) }
        switch CodeRedemptionRule.verdict(for: state, presentedBy: client.id, at: now) {
        case .replay:
            // A code spent before its family was written (an undone redemption) has none to revoke.
            if let family = found!.0 { try await revokeFamily(family, on: connection) }
            return .commit(.outcome(.replayed))
        case .consume:
            // Live and unconsumed, yet not claimed: only a concurrent claim's rollback can do this
            // (READ COMMITTED re-reads the row after it). Ask the caller to try again.
            throw StoreUnavailableError("the code changed while it was being redeemed")
        case let verdict:
            return .rollback(.outcome(verdict.refusal))
        }
    }

    public func rotate(
        refresh digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        grace: TimeInterval,
        issuing pair: PairToIssue
    ) async throws -> RefreshRotation {
        let rotation: RefreshRotation? = try await transaction { connection in
            let claim = ClaimRefreshToken(digest: digest, client: client, now: now, presentedKey: pair.boundKey)
            if let (family, consentID, grantedScope) = try await connection.execute(claim, logger: self.logger).firstAfterDraining() {
                if let outside = pair.scopeOutside(granted: grantedScope) { return .rollback(.scopeExceeded(permission: outside)) }
                try await connection.run(
                    InsertPair(pair: pair, family: family, consentID: consentID, applicationID: client.id),
                    logger: self.logger
                )
                return .commit(.rotated(consentID: consentID, scope: pair.effectiveScope(granted: grantedScope).joined(separator: " ")))
            }
            return try await self.whyNotRotated(refresh: digest, by: client, at: now, grace: grace, pair: pair, on: connection)
        }
        guard let rotation else { throw StaleClientError(client: client) }
        return rotation
    }

    /// The claim changed nothing: the client is stale (nil), or the token is unknown, someone
    /// else's, revoked, used before (a repeat inside the grace window, else a reuse that revokes
    /// the family) or expired.
    private func whyNotRotated(
        refresh digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        grace: TimeInterval,
        pair: PairToIssue,
        on connection: PostgresConnection
    ) async throws -> TransactionEnd<RefreshRotation?> {
        guard try await Self.isCurrent(client, on: connection, logger: logger) else { return .rollback(nil) }
        let rows = try await connection.query(try PostgresLookups.refreshTokenByDigest(digest), logger: logger)
        let found = try await rows.decode((UUID, Int64, UUID, Bool, Date?, Date, String?).self).firstAfterDraining()
        let state = found.map {
            RefreshRotationRule.Stored(applicationID: $0.0, revoked: $0.3, usedAt: $0.4, expiresAt: $0.5, boundKey: $0.6)
        }
        switch RefreshRotationRule.verdict(for: state, presentedBy: client.id, presentedKey: pair.boundKey, at: now, grace: grace) {
        case .reuse:
            try await revokeFamily(found!.1, on: connection)
            return .commit(.reused)
        case .repeatFirstUse(let firstUsedAt):
            let consentID = found!.2
            return .rollback(
                .repeated(
                    consentID: consentID,
                    firstUsedAt: firstUsedAt,
                    scope: try await issuedScope(pair, consentID: consentID, on: connection)
                )
            )
        case .rotate:
            throw StoreUnavailableError("the refresh token changed while it was being rotated")
        case let verdict:
            return .rollback(verdict.refusal)
        }
    }

    /// The scope of the access token a grace-window repeat answers again: the one the first use
    /// wrote, whatever the repeat asks for.
    private func issuedScope(_ pair: PairToIssue, consentID: UUID, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query(
            """
            SELECT coalesce((SELECT scope FROM access_tokens WHERE digest = \(pair.accessDigest.bytes)), '{}'),
                coalesce((SELECT permissions FROM grants WHERE id = \(consentID)), '{}')
            """,
            logger: logger
        )
        let (stored, granted) = try await rows.decode(([String], [String]).self).firstAfterDraining() ?? ([], [])
        return AccessToken.effectiveScope(stored: stored, granted: granted).joined(separator: " ")
    }

    public func insertAccessToken(_ token: AccessToken, for client: ClientVersion) async throws {
        let written = try await withConnection { connection in
            try await connection.execute(InsertApplicationToken(token: token, client: client), logger: self.logger)
                .reduce(0) { count, _ in count + 1 }
        }
        guard written == 1 else { throw StaleClientError(client: client) }
    }

    public func bearerAccess(digest: SecretDigest) async throws -> BearerAccess? {
        try await withConnection { connection in
            try await connection.execute(BearerLookup(digest: digest), logger: self.logger).firstAfterDraining() ?? nil
        }
    }

    /// Whether the client's record is still the version the request authenticated against.
    static func isCurrent(_ client: ClientVersion, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT version FROM applications WHERE id = \(client.id)", logger: logger)
        return try await rows.decode(Int64.self).firstAfterDraining() == client.version
    }

    /// Revokes every token a code's family holds. `NOT revoked` keeps a second revocation from
    /// writing (and, under SERIALIZABLE, from conflicting with the first).
    func revokeFamily(_ family: Int64, on connection: PostgresConnection) async throws {
        try await connection.query(PostgresLookups.revokeAccessFamily(family), logger: logger)
        try await connection.query(PostgresLookups.revokeRefreshFamily(family), logger: logger)
    }

}
