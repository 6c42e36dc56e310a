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
            try Row.fetchOne(db, sql: "SELECT * FROM grants WHERE id = ?", arguments: [Column.id(id)]).map { Self.grant(from: $0) }
        }
    }

    public func latestConsent(applicationID: UUID, ownerID: UUID) async throws -> Consent? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM grants WHERE application_id = ? AND owner_id = ? ORDER BY created_at DESC LIMIT 1",
                arguments: [Column.id(applicationID), Column.id(ownerID)]
            ).map { Self.grant(from: $0) }
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

    /// Reads a consent from columns named with `prefix` (for joins).
    static func grant(from row: Row, prefix: String = "") -> Consent {
        Consent(
            id: row.uuid(prefix + "id")!,
            applicationID: row.uuid(prefix + "application_id")!,
            ownerID: row.uuid(prefix + "owner_id")!,
            permissions: Column.names(row[prefix + "permissions"]),
            vehicleIDs: Column.uuids(row[prefix + "vehicle_ids"] as String),
            createdAt: row.date(prefix + "created_at")!
        )
    }
}
