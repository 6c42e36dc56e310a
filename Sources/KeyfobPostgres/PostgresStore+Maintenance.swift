import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore {
    public func deleteExpired(before cutoff: Date) async throws -> Int {
        // Small batches, each its own statement: no long transaction holds locks or bloats the
        // tables while the token endpoint writes.
        var removed = 0
        let tables = [
            ("connect_sessions", "digest", "expires_at"), ("pushed_requests", "digest", "expires_at"), ("dpop_proofs", "digest", "expires_at"),
            ("login_failures", "email_key", "window_ends_at"),
            ("authorization_codes", "id", "expires_at"), ("access_tokens", "id", "expires_at"), ("refresh_tokens", "id", "expires_at"),
            ("device_authorizations", "id", "expires_at"),
        ]
        for (table, key, expiry) in tables {
            while true {
                let count = try await deleteBatch(
                    PostgresLookups.deleteExpiredBatch(from: table, key: key, expiry: expiry, before: cutoff)
                )
                removed += count
                if count < 5000 { break }
            }
        }
        // Grants that no code or token refers to any more. None can gain one later: codes are only
        // written together with a new grant, and tokens only come from a code or a refresh token of
        // the grant, which would still refer to it.
        removed += try await deleteInBatches(
            """
            DELETE FROM grants WHERE id IN (
                SELECT g.id FROM grants g WHERE g.created_at < $1
                    AND NOT EXISTS (SELECT 1 FROM authorization_codes c WHERE c.grant_id = g.id)
                    AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = g.id)
                    AND NOT EXISTS (SELECT 1 FROM access_tokens t WHERE t.grant_id = g.id)
                LIMIT 5000)
            RETURNING 1
            """,
            cutoff: cutoff - 3600
        )
        // Families whose tokens are all gone. Only a rotation adds to a family, and it needs one
        // of its refresh tokens.
        removed += try await deleteInBatches(
            """
            DELETE FROM token_families WHERE id IN (
                SELECT f.id FROM token_families f WHERE f.created_at < $1
                    AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = f.id)
                    AND NOT EXISTS (SELECT 1 FROM access_tokens t WHERE t.family_id = f.id)
                LIMIT 5000)
            RETURNING 1
            """,
            cutoff: cutoff - 3600
        )
        return removed
    }

    /// Runs a `DELETE … LIMIT 5000` until it deletes fewer rows than that.
    private func deleteInBatches(_ sql: String, cutoff: Date) async throws -> Int {
        var removed = 0
        while true {
            let count = try await deleteBatch(sql, cutoff: cutoff)
            removed += count
            if count < 5000 { return removed }
        }
    }

    private func deleteBatch(_ sql: String, cutoff: Date) async throws -> Int {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(cutoff)
        return try await deleteBatch(PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    private func deleteBatch(_ query: PostgresQuery) async throws -> Int {
        try await withConnection { connection in
            try await connection.query(query, logger: self.logger).collect().count
        }
    }
}
