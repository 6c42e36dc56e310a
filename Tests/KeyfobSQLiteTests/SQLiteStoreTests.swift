import Foundation
import KeyfobCore
import KeyfobSQLite
import KeyfobTestSupport
import Testing

/// The SQLite store's own guarantees, driven through the `Store` protocol on a real file.
@Suite("SQLite store")
struct SQLiteStoreTests {
    func withStore(_ body: (SQLiteStore, Fixtures) async throws -> Void) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        return try await body(store, Fixtures(store: store, clock: SystemWallClock()))
    }

    func pair(at now: Date) -> (PairToIssue, access: String, refresh: String) {
        let access = UUID().uuidString.lowercased()
        let refresh = UUID().uuidString.lowercased()
        return (PairToIssue(accessDigest: .of(access), accessExpiresAt: now + 7200, refreshDigest: .of(refresh), refreshExpiresAt: now + 86400), access, refresh)
    }

    /// A fresh app whose code was just redeemed, with the token texts it issued.
    struct Redeemed {
        let app: Fixtures.App
        let now: Date
        let issued: PairToIssue
        let access: String
        let refresh: String
        let outcome: CodeRedemption
    }

    func redeemFreshCode(_ store: SQLiteStore, _ fixtures: Fixtures) async throws -> Redeemed {
        let app = try await fixtures.app()
        let code = try await fixtures.code(for: app)
        let now = Date()
        let (issue, access, refresh) = pair(at: now)
        let outcome = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: issue)
        return Redeemed(app: app, now: now, issued: issue, access: access, refresh: refresh, outcome: outcome)
    }

    @Test func writerRunsWithSynchronousFullInWALMode() async throws {
        try await withStore { store, _ in
            let synchronous = try await store.writerSynchronousSetting()
            let journalMode = try await store.journalMode()
            #expect(synchronous == 2)
            #expect(journalMode == "wal")
        }
    }

    @Test func normalDurabilityIsAvailableAsAnOption() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open(durability: .normal)
        #expect(try await store.writerSynchronousSetting() == 1)
    }

    @Test func reopeningRunsNoMigrationTwiceAndKeepsTheRotationKey() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let first = try await database.open()
        let key = try await first.rotationKey()
        #expect(key.count == 32)
        let second = try await database.open()
        #expect(try await second.rotationKey() == key)
    }

    @Test func concurrentOpeningOfAFreshFileMigratesOnce() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let keys = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<4 { group.addTask { try await database.open().rotationKey() } }
            return try await group.reduce(into: Set<Data>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
    }

    @Test func storedCodesAndTokensAreDigestsNeverText() async throws {
        try await withStore { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            let (issue, access, refresh) = pair(at: now)
            _ = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: issue)
            // Read the raw file: no token text or secret may appear in it.
            let raw = try Data(contentsOf: URL(fileURLWithPath: store.path)) + ((try? Data(contentsOf: URL(fileURLWithPath: store.path + "-wal"))) ?? Data())
            for secret in [code, access, refresh, app.secret] {
                #expect(raw.range(of: Data(secret.utf8)) == nil, "found \(secret.prefix(8))… in the database file")
            }
        }
    }

    @Test func sixtyFourParallelRedemptionsHaveExactlyOneWinner() async throws {
        try await withStore { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            let outcomes = try await withThrowingTaskGroup(of: CodeRedemption.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
                    }
                }
                return try await group.reduce(into: [CodeRedemption]()) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .redeemed = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { $0 == .replayed }.count == 63)
        }
    }

    @Test func failedCheckLeavesTheCodeUnconsumed() async throws {
        try await withStore { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            await #expect(throws: OAuthError.self) {
                _ = try await store.redeem(
                    code: .of(code), by: app.application.clientVersion, at: now,
                    check: { _ throws(OAuthError) in throw OAuthError.invalidGrant("no") }, issuing: pair(at: now).0)
            }
            let outcome = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
            guard case .redeemed = outcome else { Issue.record("expected redeemed, got \(outcome)"); return }
        }
    }

    @Test func rotationMarksUseAndAnswersRepeatsInsideGrace() async throws {
        try await withStore { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (app, now, refresh) = (redeemed.app, redeemed.now, redeemed.refresh)
            let (next, _, _) = pair(at: now)
            let rotated = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now, grace: 60, issuing: next)
            guard case .rotated(let grantID) = rotated else { Issue.record("expected rotated, got \(rotated)"); return }
            let repeated = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now + 10, grace: 60, issuing: next)
            #expect(repeated == .repeated(grantID: grantID, firstUsedAt: Date(timeIntervalSince1970: now.timeIntervalSince1970)))
            let reused = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now + 61, grace: 60, issuing: next)
            #expect(reused == .reused)
            let afterRevocation = try await store.rotate(refresh: next.refreshDigest, by: app.application.clientVersion, at: now + 62, grace: 60, issuing: pair(at: now).0)
            #expect(afterRevocation == .revoked)
        }
    }

    @Test func garbageCollectionRemovesOnlyExpiredRows() async throws {
        try await withStore { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (now, access) = (redeemed.now, redeemed.access)
            #expect(try await store.deleteExpired(before: now) == 0)
            // After two hours the code (10 min) and the access token (2 h) are gone; the refresh token
            // stays, and with it the grant.
            #expect(try await store.deleteExpired(before: now + 7201) == 2)
            #expect(try await store.bearerAccess(digest: .of(access)) == nil)
        }
    }

    @Test func garbageCollectionRemovesGrantsOnceNothingRefersToThem() async throws {
        try await withStore { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (_, unusedGrant, _) = try await fixtures.codes(for: redeemed.app)
            guard case .redeemed(let grantID) = redeemed.outcome else { Issue.record("not redeemed"); return }
            // After the code (10 min) and the access token (2 h) expire, the refresh token (1 day
            // here) still holds the redeemed grant; the never-redeemed code's grant is gone.
            _ = try await store.deleteExpired(before: redeemed.now + 7201)
            #expect(try await store.grant(id: grantID) != nil)
            #expect(try await store.grant(id: unusedGrant.id) == nil)
            // Once the refresh token expires too, nothing refers to the grant.
            _ = try await store.deleteExpired(before: redeemed.now + 86_401)
            #expect(try await store.grant(id: grantID) == nil)
        }
    }

    @Test func deletingAnApplicationStopsItsTokensAtOnce() async throws {
        try await withStore { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (app, now, access, refresh) = (redeemed.app, redeemed.now, redeemed.access, redeemed.refresh)
            #expect(try await store.bearerAccess(digest: .of(access)) != nil)
            #expect(try await store.deleteApplication(id: app.application.id))
            #expect(try await store.bearerAccess(digest: .of(access)) == nil)
            await #expect(throws: StaleClientError.self) {
                _ = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now, grace: 60, issuing: pair(at: now).0)
            }
        }
    }

    @Test func spendingWithAnOutdatedClientVersionIsStaleAndConsumesNothing() async throws {
        try await withStore { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            #expect(try await store.replaceSecret(of: app.application.id, with: .of("new"), previousExpiresAt: nil))
            await #expect(throws: StaleClientError.self) {
                _ = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
            }
            await #expect(throws: StaleClientError.self) {
                try await store.insertAccessToken(
                    AccessToken(digest: .of("x"), grantID: nil, applicationID: app.application.id, expiresAt: now + 60),
                    for: app.application.clientVersion)
            }
            let current = try #require(try await store.application(id: app.application.id))
            #expect(current.version == app.application.version + 1)
            let outcome = try await store.redeem(code: .of(code), by: current.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
            guard case .redeemed = outcome else { Issue.record("expected redeemed, got \(outcome)"); return }
        }
    }

    @Test func ownerEmailsAreUniquePerModeIgnoringCase() async throws {
        try await withStore { store, _ in
            try await store.insertOwner(Owner(id: UUID(), email: "Ann@Example.com", passwordHash: nil, mode: .live), vehicles: [])
            await #expect(throws: DuplicateOwnerError.self) {
                try await store.insertOwner(Owner(id: UUID(), email: "ann@example.com", passwordHash: nil, mode: .live), vehicles: [])
            }
            try await store.insertOwner(Owner(id: UUID(), email: "ann@example.com", passwordHash: nil, mode: .test), vehicles: [])
            #expect(try await store.owner(email: "ANN@example.com", mode: .live)?.email == "Ann@Example.com")
        }
    }
}
