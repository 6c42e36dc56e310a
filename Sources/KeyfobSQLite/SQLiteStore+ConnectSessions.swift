import Foundation
import GRDB
import KeyfobConnect
import KeyfobCore

extension SQLiteStore: ConnectSessionStore {
    public func insertSession(_ session: ConnectSession) async throws {
        let request = try JSONEncoder().encode(session.request)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO connect_sessions (digest, request, csrf_token, owner_id, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    session.digest.bytes, String(decoding: request, as: UTF8.self), session.csrfToken,
                    session.ownerID.map(Column.id), Column.time(session.expiresAt),
                ]
            )
        }
    }

    public func session(digest: SecretDigest) async throws -> ConnectSession? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM connect_sessions WHERE digest = ?", arguments: [digest.bytes])
            else { return nil }
            let request = try JSONDecoder().decode(AuthorizationRequest.self, from: Data((row["request"] as String).utf8))
            return ConnectSession(
                digest: digest,
                request: request,
                csrfToken: row["csrf_token"],
                ownerID: row.uuid("owner_id"),
                expiresAt: row.date("expires_at")!
            )
        }
    }

    public func deleteSession(digest: SecretDigest) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM connect_sessions WHERE digest = ?", arguments: [digest.bytes])
            return db.changesCount == 1
        }
    }
}
