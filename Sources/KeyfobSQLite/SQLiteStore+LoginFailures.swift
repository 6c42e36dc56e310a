import Foundation
import GRDB
import KeyfobConnect
import KeyfobCore

extension SQLiteStore: LoginFailureStore {
    public func loginFailures(emailKey: String, at now: Date) async throws -> LoginFailures? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT failures, window_ends_at FROM login_failures WHERE email_key = ? AND window_ends_at > ?",
                arguments: [emailKey, Column.time(now)]
            ).map { LoginFailures(count: $0["failures"], windowEndsAt: $0.date("window_ends_at")!) }
        }
    }

    public func recordLoginFailure(emailKey: String, at now: Date, window: TimeInterval) async throws -> LoginFailures {
        try await write { db in
            let row = try Row.fetchOne(db, sql: Self.recordFailureSQL, arguments: [emailKey, Column.time(now + window), Column.time(now)])!
            return LoginFailures(count: row["failures"], windowEndsAt: row.date("window_ends_at")!)
        }
    }

    public func clearLoginFailures(emailKey: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM login_failures WHERE email_key = ?", arguments: [emailKey])
        }
    }

    /// One upsert: a closed window starts again at one failure; an open one counts up.
    static let recordFailureSQL = """
        INSERT INTO login_failures (email_key, failures, window_ends_at) VALUES (?1, 1, ?2)
        ON CONFLICT (email_key) DO UPDATE SET
            failures = CASE WHEN window_ends_at <= ?3 THEN 1 ELSE failures + 1 END,
            window_ends_at = CASE WHEN window_ends_at <= ?3 THEN ?2 ELSE window_ends_at END
        RETURNING failures, window_ends_at
        """
}
