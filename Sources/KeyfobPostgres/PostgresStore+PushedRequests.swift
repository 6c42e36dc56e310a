import Foundation
import KeyfobConnect
import KeyfobCore
import PostgresNIO

extension PostgresStore: PushedRequestStore {
    public func insertPushedRequest(_ pushed: PushedAuthorizationRequest) async throws {
        let request = String(decoding: try JSONEncoder().encode(pushed.request), as: UTF8.self)
        try await withConnection { connection in
            _ = try await connection.query(
                """
                INSERT INTO pushed_requests (digest, application_id, request, expires_at)
                VALUES (\(pushed.digest.bytes), \(pushed.applicationID), \(request), \(pushed.expiresAt))
                """,
                logger: self.logger
            )
        }
    }

    public func takePushedRequest(digest: SecretDigest, applicationID: UUID, at now: Date) async throws -> AuthorizationRequest? {
        // One statement: of two instances deleting the same row, one gets it back.
        let request = try await withConnection { connection in
            let rows = try await connection.query(
                """
                DELETE FROM pushed_requests
                WHERE digest = \(digest.bytes) AND application_id = \(applicationID) AND expires_at > \(now)
                RETURNING request
                """,
                logger: self.logger
            )
            return try await rows.decode(String.self).firstAfterDraining()
        }
        return try request.map { try JSONDecoder().decode(AuthorizationRequest.self, from: Data($0.utf8)) }
    }
}
