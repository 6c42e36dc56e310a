import Foundation
import KeyfobConnect
import KeyfobCore
import PostgresNIO

extension PostgresStore: LoginFailureStore {
    public func loginFailures(emailKey: String, at now: Date) async throws -> LoginFailures? {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT failures, window_ends_at FROM login_failures WHERE email_key = \(emailKey) AND window_ends_at > \(now)",
                logger: self.logger
            )
            return try await rows.decode((Int, Date).self).firstAfterDraining().map { LoginFailures(count: $0.0, windowEndsAt: $0.1) }
        }
    }

    public func recordLoginFailure(emailKey: String, at now: Date, window: TimeInterval) async throws -> LoginFailures {
        // One upsert, so failures counted on several instances at once all land.
        let endsAt = now + window
        return try await withConnection { connection in
            let rows = try await connection.query(
                """
                INSERT INTO login_failures (email_key, failures, window_ends_at) VALUES (\(emailKey), 1, \(endsAt))
                ON CONFLICT (email_key) DO UPDATE SET
                    failures = CASE WHEN login_failures.window_ends_at <= \(now) THEN 1 ELSE login_failures.failures + 1 END,
                    window_ends_at = CASE WHEN login_failures.window_ends_at <= \(now) THEN \(endsAt) ELSE login_failures.window_ends_at END
                RETURNING failures, window_ends_at
                """,
                logger: self.logger
            )
            let (count, windowEndsAt) = try await rows.decode((Int, Date).self).firstAfterDraining()!
            return LoginFailures(count: count, windowEndsAt: windowEndsAt)
        }
    }

    public func clearLoginFailures(emailKey: String) async throws {
        try await withConnection { connection in
            _ = try await connection.query("DELETE FROM login_failures WHERE email_key = \(emailKey)", logger: self.logger)
        }
    }
}
