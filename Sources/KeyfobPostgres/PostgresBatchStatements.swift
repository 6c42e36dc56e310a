import Foundation
import KeyfobCore
import NIOCore
import PostgresNIO

// The statements of a batch of code redemptions (`PostgresStore.redeemBatch`): `ClaimCode` and
// `InsertFirstPair` for many codes at once, each input column one array parameter unnested into
// rows. Arrays cannot hold NULL through postgres-nio's encoders, so an empty string stands for
// "none" (no DPoP key, the grant's scope), which no real value is.

/// One code of a batch, as `ClaimCodes` and `InsertFirstPairs` read it.
struct CodeToRedeem: Sendable {
    let digest: SecretDigest
    let client: ClientVersion
    let now: Date
    let check: @Sendable (AuthorizationCode) throws(OAuthError) -> Void
    let pair: PairToIssue
}

/// `ClaimCode` for every code of the batch. The batch comes sorted by digest, so two batches that
/// share codes (replays racing their first use, on two instances) tend to lock the rows in one
/// order; a deadlock PostgreSQL still detects is tried again like any (`withConnection`).
/// Answers a row for each code claimed.
struct ClaimCodes: PostgresPreparedStatement {
    static let name = "keyfob.ClaimCodes"
    static let sql = """
        UPDATE authorization_codes c SET consumed_at = r.now, family_id = nextval('token_family_ids')
        FROM unnest($1::bytea[], $2::uuid[], $3::timestamptz[], $4::bigint[]) WITH ORDINALITY AS r(digest, application_id, now, version, n),
            applications a
        WHERE c.digest = r.digest AND c.application_id = r.application_id AND c.consumed_at IS NULL AND c.expires_at > r.now
            AND a.id = r.application_id AND a.version = r.version
        RETURNING r.n, c.family_id, c.grant_id, c.redirect_uri, c.redirect_uri_sent, c.code_challenge, c.code_challenge_method,
            c.expires_at, coalesce((SELECT g.permissions FROM grants g WHERE g.id = c.grant_id), '{}')
        """
    /// The claimed code's place in `codes` (from 0), and what `ClaimCode` answers for it.
    typealias Row = (index: Int, claim: ClaimCode.Row)
    let codes: [CodeToRedeem]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(codes.map { ByteBuffer(bytes: $0.digest.bytes) })
        bindings.append(codes.map(\.client.id))
        bindings.append(codes.map(\.now))
        bindings.append(codes.map(\.client.version))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let cells = row.makeRandomAccess()
        let index = Int(try cells[0].decode(Int64.self)) - 1
        guard codes.indices.contains(index) else { throw BatchAnswerMissing() }
        let source = codes[index]
        return (index, try ClaimCode.claimed(cells, from: 1, digest: source.digest, applicationID: source.client.id))
    }
}

/// Gives claimed codes back whose request failed its check, inside the batch's transaction: as
/// if their claim had been rolled back (an unspent code has no family yet).
struct UnclaimCodes: PostgresPreparedStatement {
    static let name = "keyfob.UnclaimCodes"
    static let sql = "UPDATE authorization_codes SET consumed_at = NULL, family_id = NULL WHERE digest = ANY($1::bytea[])"
    typealias Row = Void
    let digests: [SecretDigest]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(digests.map { ByteBuffer(bytes: $0.bytes) })
        return bindings
    }
}

/// `InsertFirstPair` for every redeemed code of the batch: the families and both tokens of each.
struct InsertFirstPairs: PostgresPreparedStatement {
    static let name = "keyfob.InsertFirstPairs"
    static let sql = """
        WITH pairs AS (
            SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::bytea[], $6::timestamptz[], $7::text[],
                $8::text[], $9::bytea[], $10::timestamptz[], $11::text[])
                AS p(family_id, grant_id, application_id, started_at, access_digest, access_expires_at, access_scope, access_jkt,
                    refresh_digest, refresh_expires_at, refresh_jkt)
        ), family AS (
            INSERT INTO token_families (id, grant_id, application_id, origin, created_at)
            SELECT family_id, grant_id, application_id, 'authorization_code', started_at FROM pairs
        ), access AS (
            INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at, jkt)
            SELECT access_digest, family_id, grant_id, application_id,
                CASE WHEN access_scope = '' THEN '{}'::text[] ELSE string_to_array(access_scope, ' ') END,
                access_expires_at, nullif(access_jkt, '')
            FROM pairs
        )
        INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at, jkt)
        SELECT refresh_digest, family_id, grant_id, application_id, refresh_expires_at, nullif(refresh_jkt, '') FROM pairs
        """
    typealias Row = Void
    /// Each pair with the family its code's claim numbered and the code's grant.
    let pairs: [(code: CodeToRedeem, family: Int64, consentID: UUID)]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(pairs.map(\.family))
        bindings.append(pairs.map(\.consentID))
        bindings.append(pairs.map(\.code.client.id))
        bindings.append(pairs.map(\.code.now))
        bindings.append(pairs.map { ByteBuffer(bytes: $0.code.pair.accessDigest.bytes) })
        bindings.append(pairs.map(\.code.pair.accessExpiresAt))
        // Scope names hold no spaces (RFC 6749 §3.3); empty is the grant's scope, as '{}' is for one pair.
        bindings.append(pairs.map { ($0.code.pair.accessScope ?? []).joined(separator: " ") })
        bindings.append(pairs.map { $0.code.pair.boundKey ?? "" })
        bindings.append(pairs.map { ByteBuffer(bytes: $0.code.pair.refreshDigest.bytes) })
        bindings.append(pairs.map(\.code.pair.refreshExpiresAt))
        bindings.append(pairs.map { $0.code.pair.refreshKeyThumbprint ?? "" })
        return bindings
    }
}
