import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: SigningKeyStore {
    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO signing_keys (kid, x, y, sealed_private_key, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.kid, key.x, key.y, key.sealedPrivateKey, Column.time(key.createdAt)]
            )
        }
    }

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signing_keys ORDER BY created_at").map { row in
                SigningKeyRecord(
                    kid: row["kid"],
                    x: row["x"],
                    y: row["y"],
                    sealedPrivateKey: row["sealed_private_key"],
                    createdAt: row.date("created_at")!
                )
            }
        }
    }
}
