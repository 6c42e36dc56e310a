import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: ManagementStore {
    public func replaceManagementToken(of applicationID: UUID, with digest: SecretDigest) async throws -> Bool {
        try await withConnection { connection in
            let rows = try await connection.query(
                "UPDATE applications SET management_token_digest = \(digest.bytes) WHERE id = \(applicationID) RETURNING id",
                logger: self.logger
            )
            return try await rows.collect().count == 1
        }
    }

    public func application(managementTokenDigest digest: SecretDigest) async throws -> UUID? {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT id FROM applications WHERE management_token_digest = \(digest.bytes)",
                logger: self.logger
            )
            return try await rows.decode(UUID.self).firstAfterDraining()
        }
    }

    public func consents(applicationID: UUID, ownerID: UUID?) async throws -> [Consent] {
        try await withConnection { connection in
            try await Self.consents(connection, applicationID: applicationID, ownerID: ownerID, lock: false, logger: self.logger)
        }
    }

    public func disconnect(applicationID: UUID, ownerID: UUID?, vehicleID: UUID?) async throws -> [Consent] {
        try await transaction { connection in
            // FOR UPDATE: a vehicle another instance takes out of one of these consents meanwhile
            // waits for this transaction rather than being lost to its write.
            var changed = [Consent]()
            for before in try await Self.consents(connection, applicationID: applicationID, ownerID: ownerID, lock: true, logger: self.logger) {
                let after = before.vehicleIDs.filter { vehicleID != nil && $0 != vehicleID }
                guard after.count < before.vehicleIDs.count else { continue }
                try await connection.query("UPDATE grants SET vehicle_ids = \(after) WHERE id = \(before.id)", logger: self.logger)
                if after.isEmpty {
                    try await connection.query(
                        "UPDATE access_tokens SET revoked = true WHERE family_id IN (SELECT id FROM token_families WHERE grant_id = \(before.id))",
                        logger: self.logger
                    )
                    try await connection.query(
                        "UPDATE refresh_tokens SET revoked = true WHERE family_id IN (SELECT id FROM token_families WHERE grant_id = \(before.id))",
                        logger: self.logger
                    )
                }
                changed.append(before)
            }
            return .commit(changed)
        }
    }

    private static func consents(
        _ connection: PostgresConnection,
        applicationID: UUID,
        ownerID: UUID?,
        lock: Bool,
        logger: Logger
    ) async throws -> [Consent] {
        var query: PostgresQuery =
            if let ownerID {
                "SELECT \(unescaped: grantColumns) FROM grants g WHERE g.application_id = \(applicationID) AND g.owner_id = \(ownerID)"
            } else {
                "SELECT \(unescaped: grantColumns) FROM grants g WHERE g.application_id = \(applicationID)"
            }
        if lock { query = PostgresQuery(unsafeSQL: query.sql + " FOR UPDATE", binds: query.binds) }
        let rows = try await connection.query(query, logger: logger)
        var consents = [Consent]()
        for try await row in rows { consents.append(try grant(from: row)) }
        return consents
    }
}
