import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: ConsentStore {
    static let grantColumns = "g.id, g.application_id, g.owner_id, g.permissions, g.vehicle_ids, g.created_at"

    public func insertConsent(_ grant: Consent, codes: [AuthorizationCode]) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO grants (id, application_id, owner_id, permissions, vehicle_ids, created_at)
                VALUES (\(grant.id), \(grant.applicationID), \(grant.ownerID), \(grant.permissions), \(grant.vehicleIDs), \(grant.createdAt))
                """,
                logger: self.logger
            )
            // Many codes at once (`keyfob dev mint-codes`) go in multi-row inserts: one round trip per
            // thousand codes rather than per code. 8 values a row stays far below the 65,535 limit.
            for start in stride(from: 0, to: codes.count, by: 1000) {
                try await connection.query(Self.insertCodes(codes[start..<min(start + 1000, codes.count)]), logger: self.logger)
            }
            return .commit(())
        }
    }

    private static func insertCodes(_ codes: ArraySlice<AuthorizationCode>) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: codes.count * 8)
        var rows: [String] = []
        for code in codes {
            let first = bindings.count + 1
            rows.append("(" + (first..<first + 8).map { "$\($0)" }.joined(separator: ", ") + ")")
            try bindings.append(code.digest.bytes)
            bindings.append(code.consentID)
            bindings.append(code.applicationID)
            bindings.append(code.redirectURI)
            bindings.append(code.redirectURIWasSent)
            bindings.append(code.codeChallenge)
            bindings.append(code.codeChallengeMethod)
            bindings.append(code.expiresAt)
        }
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO authorization_codes (digest, grant_id, application_id, redirect_uri, redirect_uri_sent,
                    code_challenge, code_challenge_method, expires_at) VALUES \(rows.joined(separator: ", "))
                """,
            binds: bindings
        )
    }

    public func consent(id: UUID) async throws -> Consent? {
        try await grants(where: "g.id = \(id)")
    }

    public func latestConsent(applicationID: UUID, ownerID: UUID) async throws -> Consent? {
        try await grant(PostgresLookups.latestConsent(applicationID: applicationID, ownerID: ownerID))
    }

    public func removeVehicle(_ vehicleID: UUID, fromConsent consentID: UUID) async throws -> Bool {
        // One conditional statement, so two instances removing vehicles of one grant at once
        // cannot lose either change.
        try await withConnection { connection in
            let rows = try await connection.query(
                """
                UPDATE grants SET vehicle_ids = array_remove(vehicle_ids, \(vehicleID))
                WHERE id = \(consentID) AND \(vehicleID) = ANY (vehicle_ids) RETURNING id
                """,
                logger: self.logger
            )
            return try await rows.collect().count == 1
        }
    }

    private func grants(where condition: PostgresQuery) async throws -> Consent? {
        try await grant(Self.select("\(Self.grantColumns) FROM grants g", condition))
    }

    private func grant(_ query: PostgresQuery) async throws -> Consent? {
        try await withConnection { connection in
            let rows = try await connection.query(query, logger: self.logger)
            return try await rows.firstAfterDraining().map { try PostgresStore.grant(from: $0) }
        }
    }

    /// A grant from the six `grantColumns`, starting at column `offset` (for joins).
    static func grant(from row: PostgresRow, offset: Int = 0) throws -> Consent {
        let cells = row.makeRandomAccess()
        return Consent(
            id: try cells[offset].decode(UUID.self),
            applicationID: try cells[offset + 1].decode(UUID.self),
            ownerID: try cells[offset + 2].decode(UUID.self),
            permissions: try cells[offset + 3].decode([String].self),
            vehicleIDs: try cells[offset + 4].decode([UUID].self),
            createdAt: try cells[offset + 5].decode(Date.self)
        )
    }
}
