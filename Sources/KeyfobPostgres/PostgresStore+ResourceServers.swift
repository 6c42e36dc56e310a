import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: ResourceServerStore {
    public func insertResourceServer(_ server: ResourceServer) async throws {
        try await withConnection { connection in
            _ = try await connection.query(
                """
                INSERT INTO resource_servers (id, name, secret_digest, created_at)
                VALUES (\(server.id), \(server.name), \(server.secretDigest.bytes), \(server.createdAt))
                """,
                logger: self.logger
            )
        }
    }

    public func resourceServer(id: UUID) async throws -> ResourceServer? {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT id, name, secret_digest, created_at FROM resource_servers WHERE id = \(id)",
                logger: self.logger
            )
            return try await rows.decode((UUID, String, Data, Date).self).firstAfterDraining().map(Self.resourceServer)
        }
    }

    public func resourceServers() async throws -> [ResourceServer] {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT id, name, secret_digest, created_at FROM resource_servers ORDER BY created_at, id",
                logger: self.logger
            )
            var servers = [ResourceServer]()
            for try await row in rows.decode((UUID, String, Data, Date).self) { servers.append(Self.resourceServer(row)) }
            return servers
        }
    }

    public func deleteResourceServer(id: UUID) async throws -> Bool {
        try await withConnection { connection in
            let rows = try await connection.query("DELETE FROM resource_servers WHERE id = \(id) RETURNING id", logger: self.logger)
            return try await rows.collect().count == 1
        }
    }

    private static func resourceServer(_ row: (UUID, String, Data, Date)) -> ResourceServer {
        ResourceServer(id: row.0, name: row.1, secretDigest: SecretDigest(bytes: row.2), createdAt: row.3)
    }
}
