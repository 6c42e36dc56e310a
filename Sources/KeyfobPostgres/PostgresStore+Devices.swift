import Foundation
import KeyfobCore
import PostgresNIO

extension PostgresStore: DeviceAuthorizationStore {
    private static let deviceColumns = """
        id, device_code_digest, user_code_digest, user_code_group_digest, application_id, scope, mode, status, grant_id,
        poll_interval, last_polled_at, expires_at
        """

    public func insertDeviceAuthorization(_ record: DeviceAuthorization) async throws -> Bool {
        try await withConnection { connection in
            let rows = try await connection.query(
                """
                INSERT INTO device_authorizations (device_code_digest, user_code_digest, user_code_group_digest, application_id,
                    scope, mode, status, poll_interval, expires_at)
                VALUES (\(record.deviceCodeDigest.bytes), \(record.userCodeDigest.bytes), \(record.userCodeGroupDigest.bytes),
                    \(record.applicationID), \(record.scope), \(record.mode), 'pending', \(record.interval), \(record.expiresAt))
                ON CONFLICT DO NOTHING RETURNING id
                """,
                logger: self.logger
            )
            return try await rows.collect().count == 1
        }
    }

    public func deviceAuthorization(userCode digest: SecretDigest) async throws -> DeviceAuthorization? {
        try await withConnection { connection in
            try await self.deviceAuthorization(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.deviceColumns) FROM device_authorizations WHERE user_code_digest = $1",
                    binds: try Self.binding(digest)
                ),
                on: connection
            )?.record
        }
    }

    public func countWrongUserCode(group digest: SecretDigest, at now: Date, burnAfter: Int) async throws {
        _ = try await withConnection { connection in
            // One statement: parallel wrong entries each add one, and the one that reaches the
            // limit burns the code, whichever instance serves it.
            try await connection.query(
                """
                UPDATE device_authorizations SET wrong_guesses = wrong_guesses + 1,
                    expires_at = CASE WHEN wrong_guesses + 1 >= \(burnAfter) THEN \(DeviceCodeRule.burnt(at: now)) ELSE expires_at END
                WHERE user_code_group_digest = \(digest.bytes) AND status = 'pending' AND expires_at > \(now)
                """,
                logger: self.logger
            )
        }
    }

    public func decideDeviceAuthorization(
        userCode digest: SecretDigest,
        _ decision: DeviceDecision,
        at now: Date
    ) async throws
        -> DeviceCodeRule.EntryVerdict
    {
        try await transaction { connection in
            let found = try await self.deviceAuthorization(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.deviceColumns) FROM device_authorizations WHERE user_code_digest = $1 FOR UPDATE",
                    binds: try Self.binding(digest)
                ),
                on: connection
            )
            let verdict = DeviceCodeRule.entryVerdict(for: found?.record, at: now)
            guard verdict == .decide, let found else { return .rollback(verdict) }
            switch decision {
            case .approve(let grant):
                try await connection.query(
                    """
                    INSERT INTO grants (id, application_id, owner_id, permissions, vehicle_ids, created_at)
                    VALUES (\(grant.id), \(grant.applicationID), \(grant.ownerID), \(grant.permissions), \(grant.vehicleIDs), \(grant.createdAt))
                    """,
                    logger: self.logger
                )
                try await connection.query(
                    "UPDATE device_authorizations SET status = 'approved', grant_id = \(grant.id) WHERE id = \(found.id)",
                    logger: self.logger
                )
            case .deny:
                try await connection.query("UPDATE device_authorizations SET status = 'denied' WHERE id = \(found.id)", logger: self.logger)
            }
            return .commit(verdict)
        }
    }

    public func pollDeviceAuthorization(
        deviceCode digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        issuing pair: PairToIssue
    )
        async throws -> DevicePoll
    {
        let poll: DevicePoll? = try await transaction { connection in
            guard try await Self.isCurrent(client, on: connection, logger: self.logger) else { return .rollback(nil) }
            // The row lock makes polls of one device code, from any instance, take turns: the
            // second sees the first's `issued` and is refused.
            let found = try await self.deviceAuthorization(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.deviceColumns) FROM device_authorizations WHERE device_code_digest = $1 FOR UPDATE",
                    binds: try Self.binding(digest)
                ),
                on: connection
            )
            let verdict = DeviceCodeRule.pollVerdict(for: found?.record, presentedBy: client.id, at: now)
            guard let found else { return .rollback(.refused(verdict)) }
            switch verdict {
            case .issue(let consentID):
                let rows = try await connection.query(
                    """
                    WITH family AS (
                        INSERT INTO token_families (id, grant_id, application_id, origin, created_at)
                        VALUES (nextval('token_family_ids'), \(consentID), \(client.id), \(GrantType.deviceCode), \(now)) RETURNING id
                    ), spent AS (
                        UPDATE device_authorizations SET status = 'issued' WHERE id = \(found.id)
                    )
                    SELECT family.id, coalesce((SELECT g.permissions FROM grants g WHERE g.id = \(consentID)), '{}') FROM family
                    """,
                    logger: self.logger
                )
                guard let (family, granted) = try await rows.decode((Int64, [String]).self).firstAfterDraining() else {
                    throw StoreUnavailableError("the device's token family was not written")
                }
                try await connection.run(
                    InsertPair(pair: pair, family: family, consentID: consentID, applicationID: client.id),
                    logger: self.logger
                )
                return .commit(.issued(consentID: consentID, scope: granted.joined(separator: " ")))
            default:
                guard let interval = DeviceCodeRule.recordedInterval(after: verdict, current: found.record.interval) else {
                    return .rollback(.refused(verdict))
                }
                try await connection.query(
                    "UPDATE device_authorizations SET last_polled_at = \(now), poll_interval = \(interval) WHERE id = \(found.id)",
                    logger: self.logger
                )
                return .commit(.refused(verdict))
            }
        }
        guard let poll else { throw StaleClientError(client: client) }
        return poll
    }

    private static func binding(_ digest: SecretDigest) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        try bindings.append(digest.bytes)
        return bindings
    }

    private func deviceAuthorization(
        _ query: PostgresQuery,
        on connection: PostgresConnection
    ) async throws
        -> (id: Int64, record: DeviceAuthorization)?
    {
        let rows = try await connection.query(query, logger: logger)
        typealias Columns = (Int64, Data, Data, Data, UUID, [String], String, String, UUID?, Int, Date?, Date)
        guard let row = try await rows.decode(Columns.self).firstAfterDraining(),
            let status = DeviceAuthorization.Status(storedName: row.7, consentID: row.8)
        else { return nil }
        let record = DeviceAuthorization(
            deviceCodeDigest: SecretDigest(bytes: row.1),
            userCodeDigest: SecretDigest(bytes: row.2),
            userCodeGroupDigest: SecretDigest(bytes: row.3),
            applicationID: row.4,
            scope: row.5,
            mode: row.6,
            status: status,
            interval: row.9,
            lastPolledAt: row.10,
            expiresAt: row.11
        )
        return (row.0, record)
    }
}
