import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: DPoPReplayStore {
    public func recordDPoPProof(_ digest: SecretDigest, expiresAt: Date) async throws -> Bool {
        // One insert on the one writer: of two requests with the same proof, one inserts the row.
        try await write { db in
            try db.execute(
                sql: "INSERT INTO dpop_proofs (digest, expires_at) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING",
                arguments: [digest.bytes, Column.time(expiresAt)]
            )
            return db.changesCount == 1
        }
    }
}
