import Foundation
import GRDB
import KeyfobConnect
import KeyfobCore

extension SQLiteStore: PushedRequestStore {
    public func insertPushedRequest(_ pushed: PushedAuthorizationRequest) async throws {
        let request = String(decoding: try JSONEncoder().encode(pushed.request), as: UTF8.self)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO pushed_requests (digest, application_id, request, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [pushed.digest.bytes, Column.id(pushed.applicationID), request, Column.time(pushed.expiresAt)]
            )
        }
    }

    public func takePushedRequest(digest: SecretDigest, applicationID: UUID, at now: Date) async throws -> AuthorizationRequest? {
        // One statement on the one writer: of two visits with the same request_uri, one deletes the row.
        let request = try await write { db in
            try String.fetchOne(
                db,
                sql: "DELETE FROM pushed_requests WHERE digest = ? AND application_id = ? AND expires_at > ? RETURNING request",
                arguments: [digest.bytes, Column.id(applicationID), Column.time(now)]
            )
        }
        return try request.map { try JSONDecoder().decode(AuthorizationRequest.self, from: Data($0.utf8)) }
    }
}
