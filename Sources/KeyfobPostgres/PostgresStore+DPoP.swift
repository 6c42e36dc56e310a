import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: DPoPReplayStore {
    public func recordDPoPProof(_ digest: SecretDigest, expiresAt: Date) async throws -> Bool {
        // The primary key decides: of two instances inserting the same proof, one gets the row.
        try await withConnection { connection in
            let rows = try await connection.query(
                "INSERT INTO dpop_proofs (digest, expires_at) VALUES (\(digest.bytes), \(expiresAt)) ON CONFLICT (digest) DO NOTHING RETURNING 1",
                logger: self.logger
            )
            return try await rows.collect().count == 1
        }
    }
}
