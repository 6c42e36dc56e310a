import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: SigningKeyStore {
    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await withConnection { connection in
            _ = try await connection.query(
                """
                INSERT INTO signing_keys (kid, x, y, sealed_private_key, created_at)
                VALUES (\(key.kid), \(key.x), \(key.y), \(key.sealedPrivateKey), \(key.createdAt))
                """,
                logger: self.logger
            )
        }
    }

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT kid, x, y, sealed_private_key, created_at FROM signing_keys ORDER BY created_at",
                logger: self.logger
            )
            var keys = [SigningKeyRecord]()
            for try await (kid, x, y, sealed, createdAt) in rows.decode((String, String, String, Data, Date).self) {
                keys.append(SigningKeyRecord(kid: kid, x: x, y: y, sealedPrivateKey: sealed, createdAt: createdAt))
            }
            return keys
        }
    }
}
