import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: ConsentStore {
    public func insertConsent(_ grant: Consent, codes: [AuthorizationCode]) async throws {
        try await write { db in
            try Self.insertGrant(grant, in: db)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO authorization_codes (digest, grant_id, application_id, redirect_uri, redirect_uri_sent,
                        code_challenge, code_challenge_method, expires_at, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for code in codes {
                try insert.execute(arguments: [
                    code.digest.bytes, Column.id(code.consentID), Column.id(code.applicationID),
                    code.redirectURI, code.redirectURIWasSent, code.codeChallenge, code.codeChallengeMethod,
                    Column.time(code.expiresAt), Column.list(grant.permissions),
                ])
            }
        }
    }

    /// Writes a consent's row (the table is `grants`, Smartcar's word).
    static func insertGrant(_ grant: Consent, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO grants (id, application_id, owner_id, permissions, vehicle_ids, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                Column.id(grant.id), Column.id(grant.applicationID), Column.id(grant.ownerID),
                Column.list(grant.permissions), Column.uuids(grant.vehicleIDs), Column.time(grant.createdAt),
            ]
        )
    }

    public func consent(id: UUID) async throws -> Consent? {
        try await read { db in
            let select = try DirectStatement("SELECT \(Self.grantColumns) FROM grants g WHERE g.id = ?", in: db)
            select.bind(1, Column.id(id))
            return try select.step() ? Self.grant(from: select, at: 0) : nil
        }
    }

    public func latestConsent(applicationID: UUID, ownerID: UUID) async throws -> Consent? {
        try await read { db in
            let select = try DirectStatement(
                "SELECT \(Self.grantColumns) FROM grants g WHERE g.application_id = ? AND g.owner_id = ? ORDER BY g.created_at DESC LIMIT 1",
                in: db
            )
            select.bind(1, Column.id(applicationID))
            select.bind(2, Column.id(ownerID))
            return try select.step() ? Self.grant(from: select, at: 0) : nil
        }
    }

    public func removeVehicle(_ vehicleID: UUID, fromConsent consentID: UUID) async throws -> Bool {
        // Read and write in one writer transaction: SQLite has one writer, so no other change to
        // this grant can slip in between.
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT vehicle_ids FROM grants WHERE id = ?", arguments: [Column.id(consentID)])
            else { return false }
            let before = Column.uuids(row["vehicle_ids"] as String)
            let after = before.filter { $0 != vehicleID }
            guard after.count < before.count else { return false }
            try db.execute(
                sql: "UPDATE grants SET vehicle_ids = ? WHERE id = ?",
                arguments: [Column.uuids(after), Column.id(consentID)]
            )
            return true
        }
    }

    /// A grant's columns (`grants g`, alone or joined), in the order `grant(from:at:)` reads them.
    static let grantColumns = "g.id, g.application_id, g.owner_id, g.permissions, g.vehicle_ids, g.created_at"

    /// The grant whose `grantColumns` start at `column` of the current row; nil when a LEFT
    /// JOIN found none. By position, for the token lookups every introspection runs, and the one
    /// decoder of grant rows.
    static func grant(from select: borrowing DirectStatement, at column: Int32) -> Consent? {
        guard let id = select.optionalText(column).flatMap(UUIDText.parse),
            let applicationID = UUIDText.parse(select.text(column + 1)),
            let ownerID = UUIDText.parse(select.text(column + 2))
        else { return nil }
        return Consent(
            id: id,
            applicationID: applicationID,
            ownerID: ownerID,
            permissions: Column.names(select.text(column + 3)),
            vehicleIDs: Column.uuids(select.text(column + 4)),
            createdAt: Column.date(select.double(column + 5))
        )
    }
}
