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

    /// A resource server's columns, in the order `resourceServer(from:)` reads them.
    private static let resourceServerColumns = "id, name, secret_digest, created_at"
    private static let resourceServerByID = "SELECT \(resourceServerColumns) FROM resource_servers WHERE id = ?"

    private static func resourceServer(id: UUID, in db: Database) throws -> ResourceServer? {
        let select = try DirectStatement(resourceServerByID, in: db)
        select.bind(1, Column.id(id))
        return try select.step() ? resourceServer(from: select) : nil
    }

    public func resourceServers() async throws -> [ResourceServer] {
        try await read { db in
            let select = try DirectStatement("SELECT \(Self.resourceServerColumns) FROM resource_servers ORDER BY created_at, id", in: db)
            var all = [ResourceServer]()
            while try select.step() { all.append(Self.resourceServer(from: select)) }
            return all
        }
    }

    public func deleteResourceServer(id: UUID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM resource_servers WHERE id = ?", arguments: [Column.id(id)])
            return db.changesCount == 1
        }
    }

    /// The current row of a select of `resourceServerColumns`, read by position: it runs on every
    /// resource server's introspection.
    private static func resourceServer(from select: borrowing DirectStatement) -> ResourceServer {
        ResourceServer(
            id: UUIDText.parse(select.text(0))!,
            name: select.text(1),
            secretDigest: SecretDigest(bytes: select.data(2)),
            createdAt: Column.date(select.double(3))
        )
    }
}
