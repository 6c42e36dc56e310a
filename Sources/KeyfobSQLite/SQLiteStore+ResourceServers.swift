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
        try await pointRead { db in try Self.resourceServer(id: id, in: db) }
    }

    /// Both rows in one trip to a point reader: a resource server introspects on every request
    /// it serves, and each trip to a reader thread and back costs more than either statement.
    public func resourceServer(
        id: UUID,
        withBearerAccess digest: SecretDigest
    ) async throws -> (
        server: ResourceServer?, access: BearerAccess?
    ) {
        try await pointRead { db in
            // Two statements outside a transaction: each sees every commit before it, as two
            // calls would. The token is read even for an unknown asker, who is refused either way.
            (try Self.resourceServer(id: id, in: db), try Self.bearerAccess(digest: digest, in: db))
        }
    }

    /// Read by position, as the token lookups are: it runs on every resource server's introspection.
    private static func resourceServer(id: UUID, in db: Database) throws -> ResourceServer? {
        let select = try DirectStatement("SELECT id, name, secret_digest, created_at FROM resource_servers WHERE id = ?", in: db)
        select.bind(1, Column.id(id))
        guard try select.step(), let id = UUIDText.parse(select.text(0)) else { return nil }
        return ResourceServer(
            id: id,
            name: select.text(1),
            secretDigest: SecretDigest(bytes: select.data(2)),
            createdAt: Column.date(select.double(3))
        )
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
