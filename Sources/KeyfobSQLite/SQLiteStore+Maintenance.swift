import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore {
    public func deleteExpired(before cutoff: Date) async throws -> Int {
        // Small batches, so the writer is never held long enough to stall the token endpoint.
        var removed = 0
        removed += try await write { db in
            try db.execute(sql: "DELETE FROM connect_sessions WHERE expires_at < ?", arguments: [Column.time(cutoff)])
            var sessions = db.changesCount
            for table in ["pushed_requests", "dpop_proofs"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE expires_at < ?", arguments: [Column.time(cutoff)])
                sessions += db.changesCount
            }
            try db.execute(sql: "DELETE FROM login_failures WHERE window_ends_at < ?", arguments: [Column.time(cutoff)])
            return sessions + db.changesCount
        }
        for table in ["authorization_codes", "access_tokens", "refresh_tokens", "device_authorizations"] {
            while true {
                let count = try await write { db in
                    try db.execute(
                        sql: "DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE expires_at < ? LIMIT 5000)",
                        arguments: [Column.time(cutoff)]
                    )
                    return db.changesCount
                }
                removed += count
                if count < 5000 { break }
            }
        }
        let settled = cutoff - 3600
        // Grants that no code or token refers to any more. None can gain one later: codes are only
        // written together with a new grant, and tokens only come from a code or a refresh token
        // of the grant.
        removed += try await deleteUnreferenced(
            from: "grants",
            key: String.self,
            sql: """
                SELECT id FROM grants WHERE created_at < ?
                EXCEPT SELECT grant_id FROM authorization_codes
                EXCEPT SELECT grant_id FROM refresh_tokens
                EXCEPT SELECT grant_id FROM access_tokens WHERE grant_id IS NOT NULL
                """,
            before: settled
        )
        // Families whose tokens are all gone. Only a rotation adds to a family, and it needs one of
        // its refresh tokens.
        removed += try await deleteUnreferenced(
            from: "token_families",
            key: Int64.self,
            sql: """
                SELECT id FROM token_families WHERE created_at < ?
                EXCEPT SELECT family_id FROM refresh_tokens
                EXCEPT SELECT family_id FROM access_tokens WHERE family_id IS NOT NULL
                """,
            before: settled
        )
        return removed
    }

    /// Rows no other row refers to, found by `sql` on a reader (the scans never hold the writer)
    /// and deleted by id in small batches.
    private func deleteUnreferenced<Key: DatabaseValueConvertible & StatementColumnConvertible & Sendable>(
        from table: String,
        key: Key.Type,
        sql: String,
        before cutoff: Date
    ) async throws -> Int {
        // A scan of every row and token, on a reader: seconds at millions of rows, which the
        // request deadline would cut short, so it has one of its own.
        let dead = try await read(timeout: .seconds(600)) { db in
            try Key.fetchAll(db, sql: sql, arguments: [Column.time(cutoff)])
        }
        var removed = 0
        for start in stride(from: 0, to: dead.count, by: 5000) {
            let batch = Array(dead[start..<min(start + 5000, dead.count)])
            removed += try await write { db in
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE id IN (\(databaseQuestionMarks(count: batch.count)))",
                    arguments: StatementArguments(batch)
                )
                return db.changesCount
            }
        }
        return removed
    }
}
