import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: ManagementStore {
    public func replaceManagementToken(of applicationID: UUID, with digest: SecretDigest) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE applications SET management_token_digest = ? WHERE id = ?",
                arguments: [digest.bytes, Column.id(applicationID)]
            )
            return db.changesCount == 1
        }
    }

    public func application(managementTokenDigest digest: SecretDigest) async throws -> UUID? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT id FROM applications WHERE management_token_digest = ?", arguments: [digest.bytes])?.uuid("id")
        }
    }

    public func consents(applicationID: UUID, ownerID: UUID?) async throws -> [Consent] {
        try await read { db in try Self.consents(db, applicationID: applicationID, ownerID: ownerID) }
    }

    public func disconnect(applicationID: UUID, ownerID: UUID?, vehicleID: UUID?) async throws -> [Consent] {
        // One writer transaction: no consent can change between reading and writing it.
        try await write { db in
            var changed = [Consent]()
            for before in try Self.consents(db, applicationID: applicationID, ownerID: ownerID) {
                let after = before.vehicleIDs.filter { vehicleID != nil && $0 != vehicleID }
                guard after.count < before.vehicleIDs.count else { continue }
                try db.execute(sql: "UPDATE grants SET vehicle_ids = ? WHERE id = ?", arguments: [Column.uuids(after), Column.id(before.id)])
                if after.isEmpty {
                    for table in ["access_tokens", "refresh_tokens"] {
                        try db.execute(
                            sql: "UPDATE \(table) SET revoked = 1 WHERE family_id IN (SELECT id FROM token_families WHERE grant_id = ?)",
                            arguments: [Column.id(before.id)]
                        )
                    }
                }
                changed.append(before)
            }
            return changed
        }
    }

    private static func consents(_ db: Database, applicationID: UUID, ownerID: UUID?) throws -> [Consent] {
        let select = try DirectStatement(
            "SELECT \(grantColumns) FROM grants g WHERE g.application_id = ?" + (ownerID == nil ? "" : " AND g.owner_id = ?"),
            in: db
        )
        select.bind(1, Column.id(applicationID))
        if let ownerID { select.bind(2, Column.id(ownerID)) }
        var consents = [Consent]()
        while try select.step() {
            if let consent = grant(from: select, at: 0) { consents.append(consent) }
        }
        return consents
    }
}
