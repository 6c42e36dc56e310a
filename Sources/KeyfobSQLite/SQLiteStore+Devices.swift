import Foundation
import GRDB
import KeyfobCore

extension SQLiteStore: DeviceAuthorizationStore {
    public func insertDeviceAuthorization(_ record: DeviceAuthorization) async throws -> Bool {
        try await write(
            { db in
                try db.execute(
                    sql: """
                        INSERT INTO device_authorizations (device_code_digest, user_code_digest, user_code_group_digest,
                            application_id, scope, mode, status, poll_interval, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        record.deviceCodeDigest.bytes, record.userCodeDigest.bytes, record.userCodeGroupDigest.bytes,
                        Column.id(record.applicationID), Column.list(record.scope), record.mode, record.interval,
                        Column.time(record.expiresAt),
                    ]
                )
                return db.changesCount == 1
            },
            undo: { db, inserted in
                guard inserted else { return }
                try db.execute(sql: "DELETE FROM device_authorizations WHERE device_code_digest = ?", arguments: [record.deviceCodeDigest.bytes])
            }
        )
    }

    public func deviceAuthorization(userCode digest: SecretDigest) async throws -> DeviceAuthorization? {
        try await read { db in try Self.deviceAuthorization(where: "user_code_digest", is: digest, in: db)?.record }
    }

    public func countWrongUserCode(group digest: SecretDigest, at now: Date, burnAfter: Int) async throws {
        // Nothing to undo: a wrong entry counted is true whether or not the page was answered.
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE device_authorizations SET wrong_guesses = wrong_guesses + 1,
                        expires_at = CASE WHEN wrong_guesses + 1 >= ? THEN ? ELSE expires_at END
                    WHERE user_code_group_digest = ? AND status = 'pending' AND expires_at > ?
                    """,
                arguments: [burnAfter, Column.time(DeviceCodeRule.burnt(at: now)), digest.bytes, Column.time(now)]
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
        try await write(
            { db in
                let found = try Self.deviceAuthorization(where: "user_code_digest", is: digest, in: db)
                let verdict = DeviceCodeRule.entryVerdict(for: found?.record, at: now)
                guard verdict == .decide, let found else { return verdict }
                switch decision {
                case .approve(let consent):
                    try Self.insertGrant(consent, in: db)
                    try db.execute(
                        sql: "UPDATE device_authorizations SET status = 'approved', grant_id = ? WHERE id = ?",
                        arguments: [Column.id(consent.id), found.id]
                    )
                case .deny:
                    try db.execute(sql: "UPDATE device_authorizations SET status = 'denied' WHERE id = ?", arguments: [found.id])
                }
                return verdict
            },
            undo: { db, verdict in
                // Answered 503: the owner was told nothing was decided, and may try again.
                guard verdict == .decide else { return }
                if case .approve(let consent) = decision {
                    try db.execute(sql: "DELETE FROM grants WHERE id = ?", arguments: [Column.id(consent.id)])
                }
                try db.execute(
                    sql: "UPDATE device_authorizations SET status = 'pending', grant_id = NULL WHERE user_code_digest = ?",
                    arguments: [digest.bytes]
                )
            }
        )
    }

    public func pollDeviceAuthorization(
        deviceCode digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        issuing pair: PairToIssue
    )
        async throws -> DevicePoll
    {
        let poll: DevicePoll? = try await write(
            { db in
                guard try Self.isCurrent(client, in: db) else { return nil }
                let found = try Self.deviceAuthorization(where: "device_code_digest", is: digest, in: db)
                let verdict = DeviceCodeRule.pollVerdict(for: found?.record, presentedBy: client.id, at: now)
                guard let found else { return .refused(verdict) }
                switch verdict {
                case .issue(let consentID):
                    let grant = Column.id(consentID)
                    let application = Column.id(client.id)
                    let family = try Self.startFamily(grant: grant, application: application, at: now, origin: GrantType.deviceCode, in: db)
                    try Self.insert(pair, family: family, grant: grant, application: application, in: db)
                    try db.execute(sql: "UPDATE device_authorizations SET status = 'issued' WHERE id = ?", arguments: [found.id])
                    let scope = try String.fetchOne(db, sql: "SELECT permissions FROM grants WHERE id = ?", arguments: [grant]) ?? ""
                    return .issued(consentID: consentID, scope: scope)
                default:
                    if let interval = DeviceCodeRule.recordedInterval(after: verdict, current: found.record.interval) {
                        try db.execute(
                            sql: "UPDATE device_authorizations SET last_polled_at = ?, poll_interval = ? WHERE id = ?",
                            arguments: [Column.time(now), interval, found.id]
                        )
                    }
                    return .refused(verdict)
                }
            },
            undo: { db, poll in
                // Answered 503: the device did not get its pair, and may poll again for it.
                guard case .issued(let consentID, _) = poll else { return }
                if let family = try Int64.fetchOne(
                    db,
                    sql: "SELECT family_id FROM refresh_tokens WHERE digest = ?",
                    arguments: [pair.refreshDigest.bytes]
                ) {
                    try Self.deleteFamily(family, in: db)
                }
                try Self.delete(pair, in: db)
                try db.execute(
                    sql: "UPDATE device_authorizations SET status = 'approved' WHERE device_code_digest = ? AND grant_id = ?",
                    arguments: [digest.bytes, Column.id(consentID)]
                )
            }
        )
        guard let poll else { throw StaleClientError(client: client) }
        return poll
    }

    private static func deviceAuthorization(
        where column: String,
        is digest: SecretDigest,
        in db: Database
    ) throws
        -> (id: Int64, record: DeviceAuthorization)?
    {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM device_authorizations WHERE \(column) = ?", arguments: [digest.bytes]),
            let status = DeviceAuthorization.Status(storedName: row["status"], consentID: row.uuid("grant_id"))
        else { return nil }
        let record = DeviceAuthorization(
            deviceCodeDigest: row.digest("device_code_digest")!,
            userCodeDigest: row.digest("user_code_digest")!,
            userCodeGroupDigest: row.digest("user_code_group_digest")!,
            applicationID: row.uuid("application_id")!,
            scope: Column.names(row["scope"]),
            mode: row["mode"],
            status: status,
            interval: row["poll_interval"],
            lastPolledAt: row.date("last_polled_at"),
            expiresAt: row.date("expires_at")!
        )
        return (row["id"], record)
    }
}
