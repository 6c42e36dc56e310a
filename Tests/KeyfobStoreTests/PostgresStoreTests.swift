import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KeyfobPostgres

/// What the PostgreSQL store adds to the shared contract: its URL, its migrations under concurrent
/// start-up, what it keeps, the indexes its hot queries use, and how it behaves when the server goes
/// away and comes back.
@Suite("PostgreSQL store", .timeLimit(.minutes(2)))
struct PostgresStoreTests {
    func withDatabase(_ body: (PostgresTestDatabase) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase()
        do { try await body(database) } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    /// The pool logs each failed reconnection at info level; the outage test expects them.
    static let quiet: Logger = {
        var logger = Logger(label: "keyfob.test.outage")
        logger.logLevel = .critical
        return logger
    }()

    @Test func urlsAreParsedWithTheirParts() throws {
        let url = try PostgresURL("postgres://keyfob:s%40cret@db.internal:6432/auth?sslmode=require")
        #expect(url.host == "db.internal")
        #expect(url.port == 6432)
        #expect(url.username == "keyfob")
        #expect(url.password == "s@cret")
        #expect(url.database == "auth")
        #expect(url.tls == .require)
        #expect(try PostgresURL("postgresql://u@h/d").port == 5432)
        #expect(try PostgresURL("postgresql://u@h/d").tls == .prefer)
        // The password never shows in messages or logs.
        #expect(!url.description.contains("cret"))
    }

    @Test(arguments: [
        "mysql://u:p@h/d", "postgres://h/d", "postgres://u@/d", "postgres://u@h", "postgres://u@h/",
        "postgres://u@h/d?sslmode=maybe", "postgres://u@h/d?pool=3",
    ])
    func badURLsAreRefusedWithAReason(_ text: String) {
        #expect(throws: PostgresURLError.self) { try PostgresURL(text) }
    }

    @Test func concurrentStartOnAFreshDatabaseMigratesOnceAndSharesOneKey() async throws {
        try await withDatabase { database in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 { group.addTask { try await database.open(poolSize: 2) } }
                return try await group.reduce(into: [PostgresStore]()) { $0.append($1) }
            }
            defer { for store in stores { store.shutdown() } }
            var keys = Set<Data>()
            for store in stores { keys.insert(try await store.rotationKey()) }
            #expect(keys.count == 1)
            #expect(keys.first?.count == 32)
            let reopened = try await database.open(poolSize: 1)
            defer { reopened.shutdown() }
            #expect(try await reopened.rotationKey() == keys.first)
            let applied = try await reopened.withConnection { connection in
                try await connection.query("SELECT count(*) FROM keyfob_migrations", logger: reopened.logger).collect()[0].decode(Int.self)
            }
            #expect(applied == PostgresMigrations.migrations.count)
        }
    }

    /// Two instances on one database, each handed every code at once (a replay racing its first
    /// use across instances, in both instances' batches): each code is redeemed exactly once, the
    /// other presentation is a replay, and that replay revoked what the redemption issued.
    @Test func twoInstancesRedeemingTheSameCodesEachSpendEveryCodeOnce() async throws {
        try await withDatabase { database in
            let first = try await database.open()
            let second = try await database.open()
            defer {
                first.shutdown()
                second.shutdown()
            }
            let fixtures = Fixtures(store: first, clock: SystemWallClock())
            let app = try await fixtures.app()
            var codes: [String] = []
            for _ in 0..<32 { codes.append(try await fixtures.code(for: app)) }
            let now = Date()
            let outcomes = try await withThrowingTaskGroup(of: (Int, CodeRedemption, PairToIssue).self) { group in
                for (index, code) in codes.enumerated() {
                    for store in [first, second] {
                        group.addTask {
                            let issued = pair(at: now).0
                            let outcome = try await store.redeem(
                                code: .of(code),
                                by: app.application.clientVersion,
                                at: now,
                                check: { _ in },
                                issuing: issued
                            )
                            return (index, outcome, issued)
                        }
                    }
                }
                return try await group.reduce(into: [Int: [(CodeRedemption, PairToIssue)]]()) { $0[$1.0, default: []].append(($1.1, $1.2)) }
            }
            for index in codes.indices {
                let answers = outcomes[index] ?? []
                let redeemed = answers.filter { if case .redeemed = $0.0 { true } else { false } }
                #expect(redeemed.count == 1 && answers.filter { $0.0 == .replayed }.count == 1, "code \(index): \(answers.map(\.0))")
                if let winner = redeemed.first {
                    let access = try await first.bearerAccess(digest: winner.1.accessDigest)
                    #expect(access?.token.revoked == true, "code \(index): the replay revokes what the redemption issued")
                }
            }
        }
    }

    @Test func storedCodesAndTokensAreDigestsNeverText() async throws {
        try await withDatabase { database in
            let store = try await database.open()
            defer { store.shutdown() }
            let redeemed = try await redeemFreshCode(store, Fixtures(store: store, clock: SystemWallClock()))
            let code = try await Fixtures(store: store, clock: SystemWallClock()).code(for: redeemed.app)
            // Every row of every table, as PostgreSQL prints it (bytea as hex).
            let dump = try await store.withConnection { connection in
                var text = ""
                for table in ["keys", "applications", "grants", "authorization_codes", "access_tokens", "refresh_tokens"] {
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT t::text FROM \(table) t"), logger: store.logger)
                    for try await row in rows.decode(String.self) { text += row + "\n" }
                }
                return text
            }
            for secret in [code, redeemed.access, redeemed.refresh, redeemed.app.secret] {
                let hex = Data(secret.utf8).map { String(format: "%02x", $0) }.joined()
                #expect(!dump.contains(secret) && !dump.contains(hex), "found \(secret.prefix(8))… in the database")
            }
        }
    }

    /// The lookups each token request and API call makes, as the store itself builds them (the
    /// prepared statements and `PostgresLookups`), with the planner kept off sequential scans: a
    /// plan that still scans a table means no index serves that lookup.
    @Test func everyHotQueryIsServedByAnIndex() async throws {
        try await withDatabase { database in
            let store = try await database.open()
            defer { store.shutdown() }
            let digest = SecretDigest.of("no such token")
            let id = UUID()
            let client = ClientVersion(id: id, version: 1)
            let now = Date()
            func prepared(_ sql: String, _ bindings: PostgresBindings) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
            let queries: [(String, PostgresQuery)] = [
                ("claim code", prepared(ClaimCode.sql, try ClaimCode(digest: digest, client: client, now: now).makeBindings())),
                (
                    "claim a batch of codes",
                    prepared(
                        ClaimCodes.sql,
                        try ClaimCodes(
                            codes: [CodeToRedeem(digest: digest, client: client, now: now, check: { _ in }, pair: pair(at: now).0)]
                        ).makeBindings()
                    )
                ),
                ("give back refused codes", prepared(UnclaimCodes.sql, try UnclaimCodes(digests: [digest]).makeBindings())),
                (
                    "claim refresh token",
                    prepared(ClaimRefreshToken.sql, try ClaimRefreshToken(digest: digest, client: client, now: now, presentedKey: nil).makeBindings())
                ),
                ("bearer lookup", prepared(BearerLookup.sql, try BearerLookup(digest: digest).makeBindings())),
                ("application by id", prepared(ApplicationByID.sql, try ApplicationByID(id: id).makeBindings())),
                (
                    "application token insert",
                    prepared(
                        InsertApplicationToken.sql,
                        try InsertApplicationToken(
                            token: AccessToken(digest: digest, consentID: nil, applicationID: id, expiresAt: now),
                            client: client
                        ).makeBindings()
                    )
                ),
                ("code by digest", try PostgresLookups.codeByDigest(digest)),
                ("refresh token by digest", try PostgresLookups.refreshTokenByDigest(digest)),
                ("revoke access family", PostgresLookups.revokeAccessFamily(1)),
                ("revoke refresh family", PostgresLookups.revokeRefreshFamily(1)),
                ("latest grant", PostgresLookups.latestConsent(applicationID: id, ownerID: id)),
                ("owner by email", PostgresLookups.ownerByEmail("a@example.com", mode: .test)),
                ("vehicles of owner", PostgresLookups.vehiclesOfOwner(id)),
                ("connect session", try PostgresLookups.sessionByDigest(digest)),
                (
                    "expired refresh tokens",
                    PostgresLookups.deleteExpiredBatch(from: "refresh_tokens", key: "id", expiry: "expires_at", before: now)
                ),
            ]
            for (name, query) in queries {
                let plan = try await store.withConnection { connection in
                    try await connection.query("SET enable_seqscan = off", logger: store.logger)
                    let rows = try await connection.query(
                        PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds),
                        logger: store.logger
                    )
                    var plan = ""
                    for try await line in rows.decode(String.self) { plan += line + "\n" }
                    try await connection.query("RESET enable_seqscan", logger: store.logger)
                    return plan
                }
                #expect(!plan.contains("Seq Scan"), "\(name) scans a table:\n\(plan)")
            }
        }
    }

    /// The server stops under a running store, then comes back: calls in between fail as
    /// unavailable within the operation timeout (no hang), and the same store recovers by itself.
    @Test func storeReportsAnOutageQuicklyAndRecoversWithoutRestart() async throws {
        let cluster = try await PostgresCluster.started()
        defer { cluster.destroy() }
        try await PostgresTestDatabase.administer(cluster.url(), "CREATE DATABASE outage")
        // Migrate first with room to spare: on a loaded machine (the whole suite at once on two
        // cores) the schema's statements can take longer than the 4 s this test gives every call
        // once the server is gone. What the test checks starts after the store is open, so
        // opening it is retried rather than failed when the machine is slow.
        let url = try PostgresURL(cluster.url(database: "outage"))
        try await PostgresStore(url: url, options: PostgresOptions(operationTimeout: .seconds(60)), logger: Self.quiet).shutdown()
        var opened: PostgresStore?
        for attempt in 1...5 where opened == nil {
            do {
                opened = try await PostgresStore(url: url, options: PostgresOptions(poolSize: 4, operationTimeout: .seconds(4)), logger: Self.quiet)
            } catch is StoreUnavailableError where attempt < 5 {
                try await Task.sleep(for: .seconds(1))
            }
        }
        let store = try #require(opened)
        defer { store.shutdown() }
        let fixtures = Fixtures(store: store, clock: SystemWallClock())
        let before = try await redeemFreshCode(store, fixtures)

        try await cluster.halt()
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let started = clock.now
            await #expect(throws: StoreUnavailableError.self) { _ = try await store.bearerAccess(digest: .of(before.access)) }
            #expect(clock.now - started < .seconds(10))
        }

        try await cluster.restart()
        // The pool reconnects on demand; give it a moment.
        var recovered: BearerAccess?
        for _ in 0..<50 where recovered == nil {
            recovered = try? await store.bearerAccess(digest: .of(before.access))
            if recovered == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(recovered?.token.applicationID == before.app.application.id, "what was written before the outage is there after it")
        let after = try await redeemFreshCode(store, fixtures)
        guard case .redeemed = after.outcome else {
            Issue.record("expected a redemption after recovery, got \(after.outcome)")
            return
        }
    }
}
