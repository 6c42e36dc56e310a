import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: ResourceServerStore {
    public func insertResourceServer(_ server: ResourceServer) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO resource_servers (id, name, secret_digest, created_at) VALUES (?, ?, ?, ?)",
                arguments: [Column.id(server.id), server.name, server.secretDigest.bytes, Column.time(server.createdAt)]
            )
        }
    }

    public func resourceServer(id: UUID) async throws -> ResourceServer? {
        try await pointRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM resource_servers WHERE id = ?"), arguments: [Column.id(id)])
                .map(Self.resourceServer(from:))
        }
    }

    public func resourceServers() async throws -> [ResourceServer] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM resource_servers ORDER BY created_at, id").map(Self.resourceServer(from:))
        }
    }

    public func deleteResourceServer(id: UUID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM resource_servers WHERE id = ?", arguments: [Column.id(id)])
            return db.changesCount == 1
        }
    }

    static func resourceServer(from row: Row) -> ResourceServer {
        ResourceServer(
            id: row.uuid("id")!,
            name: row["name"],
            secretDigest: row.digest("secret_digest")!,
            createdAt: row.date("created_at")!
        )
    }
}
