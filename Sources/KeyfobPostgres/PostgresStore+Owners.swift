import Foundation
import KeyfobConnect
import KeyfobCore
import PostgresNIO

extension PostgresStore: OwnerStore {
    public func insertOwner(_ owner: Owner, vehicles: [Vehicle]) async throws {
        let inserted: Bool = try await transaction { connection in
            // The unique (mode, email_key) constraint decides between two instances adding the same
            // email at once; the loser inserts nothing and rolls back.
            let rows = try await connection.query(
                """
                INSERT INTO owners (id, email, email_key, password_hash, mode, created_at)
                VALUES (\(owner.id), \(owner.email), \(owner.email.lowercased()), \(owner.passwordHash), \(owner.mode.rawValue), now())
                ON CONFLICT (mode, email_key) DO NOTHING RETURNING id
                """,
                logger: self.logger
            )
            guard try await rows.collect().count == 1 else { return .rollback(false) }
            for (position, vehicle) in vehicles.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO vehicles (id, owner_id, position, make, model, year, vin)
                    VALUES (\(vehicle.id), \(owner.id), \(position), \(vehicle.make), \(vehicle.model), \(vehicle.year), \(vehicle.vin))
                    """,
                    logger: self.logger
                )
            }
            return .commit(true)
        }
        guard inserted else { throw DuplicateOwnerError(email: owner.email) }
    }

    public func replacePasswordHash(ownerID: UUID, with hash: String) async throws -> Bool {
        try await withConnection { connection in
            try await connection.query("UPDATE owners SET password_hash = \(hash) WHERE id = \(ownerID) RETURNING 1", logger: self.logger)
                .collect().count == 1
        }
    }

    public func deleteOwner(id: UUID) async throws -> Bool {
        try await transaction { connection in
            try await connection.query(
                "UPDATE access_tokens SET revoked = true WHERE grant_id IN (SELECT id FROM grants WHERE owner_id = \(id))",
                logger: self.logger
            )
            try await connection.query(
                "UPDATE refresh_tokens SET revoked = true WHERE grant_id IN (SELECT id FROM grants WHERE owner_id = \(id))",
                logger: self.logger
            )
            try await connection.query("DELETE FROM grants WHERE owner_id = \(id)", logger: self.logger)
            try await connection.query("DELETE FROM vehicles WHERE owner_id = \(id)", logger: self.logger)
            let deleted = try await connection.query("DELETE FROM owners WHERE id = \(id) RETURNING 1", logger: self.logger).collect().count
            return .commit(deleted == 1)
        }
    }

    public func owner(email: String, mode: ConnectMode) async throws -> Owner? {
        try await owners(PostgresLookups.ownerByEmail(email, mode: mode)).first
    }

    public func owner(id: UUID) async throws -> Owner? {
        try await owners(where: "id = \(id)").first
    }

    public func owners(mode: ConnectMode) async throws -> [Owner] {
        try await owners(where: "mode = \(mode.rawValue) ORDER BY created_at, id")
    }

    public func vehicles(ownerID: UUID) async throws -> [Vehicle] {
        try await vehicles(PostgresLookups.vehiclesOfOwner(ownerID))
    }

    public func vehicle(id: UUID) async throws -> Vehicle? {
        try await vehicles(where: "id = \(id)").first
    }

    private func owners(where condition: PostgresQuery) async throws -> [Owner] {
        try await owners(Self.select("id, email, password_hash, mode FROM owners", condition))
    }

    private func owners(_ query: PostgresQuery) async throws -> [Owner] {
        try await withConnection { connection in
            let rows = try await connection.query(query, logger: self.logger)
            return try await rows.decode((UUID, String, String?, String).self).reduce(into: []) { owners, row in
                owners.append(Owner(id: row.0, email: row.1, passwordHash: row.2, mode: ConnectMode(rawValue: row.3) ?? .live))
            }
        }
    }

    private func vehicles(where condition: PostgresQuery) async throws -> [Vehicle] {
        try await vehicles(Self.select("id, owner_id, make, model, year, vin FROM vehicles", condition))
    }

    private func vehicles(_ query: PostgresQuery) async throws -> [Vehicle] {
        try await withConnection { connection in
            let rows = try await connection.query(query, logger: self.logger)
            return try await rows.decode((UUID, UUID, String, String, Int, String).self).reduce(into: []) { vehicles, row in
                vehicles.append(Vehicle(id: row.0, ownerID: row.1, make: row.2, model: row.3, year: row.4, vin: row.5))
            }
        }
    }

    /// `SELECT <columns> WHERE <condition>`, keeping the condition's bound values.
    static func select(_ columnsAndTable: String, _ condition: PostgresQuery) -> PostgresQuery {
        PostgresQuery(unsafeSQL: "SELECT \(columnsAndTable) WHERE \(condition.sql)", binds: condition.binds)
    }
}
