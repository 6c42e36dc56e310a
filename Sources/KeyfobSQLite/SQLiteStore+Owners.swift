import Foundation
import GRDB
import KeyfobConnect
import KeyfobCore

extension SQLiteStore: OwnerStore {
    public func insertOwner(_ owner: Owner, vehicles: [Vehicle]) async throws {
        try await write { db in
            let taken =
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM owners WHERE mode = ? AND email_key = ?)",
                    arguments: [owner.mode.rawValue, owner.email.lowercased()]
                ) ?? false
            guard !taken else { throw DuplicateOwnerError(email: owner.email) }
            try db.execute(
                sql: "INSERT INTO owners (id, email, email_key, password_hash, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    Column.id(owner.id), owner.email, owner.email.lowercased(), owner.passwordHash, owner.mode.rawValue,
                    Date().timeIntervalSince1970,
                ]
            )
            for (position, vehicle) in vehicles.enumerated() {
                try db.execute(
                    sql: "INSERT INTO vehicles (id, owner_id, position, make, model, year, vin) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        Column.id(vehicle.id), Column.id(owner.id), position, vehicle.make, vehicle.model, vehicle.year,
                        vehicle.vin,
                    ]
                )
            }
        }
    }

    public func replacePasswordHash(ownerID: UUID, with hash: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE owners SET password_hash = ? WHERE id = ?", arguments: [hash, Column.id(ownerID)])
            return db.changesCount == 1
        }
    }

    public func deleteOwner(id: UUID) async throws -> Bool {
        try await write { db in
            let owner = Column.id(id)
            for table in ["access_tokens", "refresh_tokens"] {
                try db.execute(
                    sql: "UPDATE \(table) SET revoked = 1 WHERE grant_id IN (SELECT id FROM grants WHERE owner_id = ?)",
                    arguments: [owner]
                )
            }
            try db.execute(sql: "DELETE FROM grants WHERE owner_id = ?", arguments: [owner])
            try db.execute(sql: "DELETE FROM vehicles WHERE owner_id = ?", arguments: [owner])
            try db.execute(sql: "DELETE FROM owners WHERE id = ?", arguments: [owner])
            return db.changesCount == 1
        }
    }

    public func owner(email: String, mode: ConnectMode) async throws -> Owner? {
        try await pointRead { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM owners WHERE mode = ? AND email_key = ?",
                arguments: [mode.rawValue, email.lowercased()]
            ).map(Self.owner(from:))
        }
    }

    public func owner(id: UUID) async throws -> Owner? {
        try await pointRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM owners WHERE id = ?", arguments: [Column.id(id)]).map(Self.owner(from:))
        }
    }

    public func owners(mode: ConnectMode) async throws -> [Owner] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM owners WHERE mode = ? ORDER BY created_at, id", arguments: [mode.rawValue])
                .map(Self.owner(from:))
        }
    }

    public func vehicles(ownerID: UUID) async throws -> [Vehicle] {
        try await pointRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM vehicles WHERE owner_id = ? ORDER BY position", arguments: [Column.id(ownerID)])
                .map(Self.vehicle(from:))
        }
    }

    public func vehicle(id: UUID) async throws -> Vehicle? {
        try await pointRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM vehicles WHERE id = ?", arguments: [Column.id(id)]).map(Self.vehicle(from:))
        }
    }

    static func owner(from row: Row) -> Owner {
        Owner(
            id: row.uuid("id")!,
            email: row["email"],
            passwordHash: row["password_hash"],
            mode: ConnectMode(rawValue: row["mode"]) ?? .live
        )
    }

    static func vehicle(from row: Row) -> Vehicle {
        Vehicle(
            id: row.uuid("id")!,
            ownerID: row.uuid("owner_id")!,
            make: row["make"],
            model: row["model"],
            year: row["year"],
            vin: row["vin"]
        )
    }
}
