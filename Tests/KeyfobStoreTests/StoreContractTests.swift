import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import KeyfobVehicles
import Testing

/// What every backend guarantees, driven through the `Store` protocol: each test runs on SQLite and
/// on PostgreSQL under READ COMMITTED and under SERIALIZABLE, each time on a fresh database.
@Suite("Store contract", .serialized)
struct StoreContractTests {
    func withStore(_ backend: StoreBackend, _ body: @Sendable (any Store, Fixtures) async throws -> Void) async throws {
        try await backend.withFreshStore { store in try await body(store, Fixtures(store: store, clock: SystemWallClock())) }
    }

    @Test(arguments: StoreBackend.allCases) func sixtyFourParallelRedemptionsHaveExactlyOneWinner(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
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

    /// Many codes at once, as a busy token endpoint sends them (PostgreSQL serves them in
    /// batches): every good one is redeemed into its own consent and tokens, every refused check
    /// leaves its code as it was, and another client's code is refused, whatever batch each met.
    @Test(arguments: StoreBackend.allCases) func concurrentRedemptionsOfManyCodesEachGetTheirOwnAnswer(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
            let app = try await fixtures.app()
            let other = try await fixtures.app(name: "Other App")
            var codes: [String] = []
            for _ in 0..<48 { codes.append(try await fixtures.code(for: app)) }
            let othersCode = try await fixtures.code(for: other)
            let now = Date()
            let refusedEvery = 4
            let results = await withTaskGroup(of: (Int, Result<CodeRedemption, any Error>, PairToIssue).self) { group in
                for (index, code) in (codes + [othersCode]).enumerated() {
                    group.addTask {
                        let issued = pair(at: now).0
                        let result: Result<CodeRedemption, any Error>
                        do {
                            result = .success(
                                try await store.redeem(
                                    code: .of(code),
                                    by: app.application.clientVersion,
                                    at: now,
                                    check: { _ throws(OAuthError) in
                                        if index % refusedEvery == 0 { throw OAuthError.invalidGrant("refused \(index)") }
                                    },
                                    issuing: issued
                                )
                            )
                        } catch {
                            result = .failure(error)
                        }
                        return (index, result, issued)
                    }
                }
                return await group.reduce(into: [Int: (Result<CodeRedemption, any Error>, PairToIssue)]()) { $0[$1.0] = ($1.1, $1.2) }
            }
            var consents = Set<UUID>()
            for index in codes.indices {
                let (result, issued) = try #require(results[index])
                if index % refusedEvery == 0 {
                    #expect(throws: OAuthError.invalidGrant("refused \(index)")) { try result.get() }
                    continue
                }
                guard case .redeemed(let consentID, _) = try result.get() else {
                    Issue.record("code \(index): expected redeemed, got \(result)")
                    continue
                }
                consents.insert(consentID)
                let access = try #require(try await store.bearerAccess(digest: issued.accessDigest), "code \(index)'s access token")
                #expect(access.token.consentID == consentID && !access.token.revoked)
            }
            #expect(consents.count == codes.count - codes.count / refusedEvery, "each redeemed code has its own consent")
            let (othersResult, _) = try #require(results[codes.count])
            #expect(try othersResult.get() == .unknown, "another client's code is not this client's to redeem")
            // A refused check left its code unspent.
            for index in stride(from: 0, to: codes.count, by: refusedEvery) {
                let outcome = try await redeemAccepted(store, code: codes[index], app: app, at: now)
                guard case .redeemed = outcome else {
                    Issue.record("code \(index) after its refused check: expected redeemed, got \(outcome)")
                    continue
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func failedCheckLeavesTheCodeUnconsumed(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            await #expect(throws: OAuthError.invalidGrant("no")) {
                _ = try await store.redeem(
                    code: .of(code),
                    by: app.application.clientVersion,
                    at: now,
                    check: { _ throws(OAuthError) in throw OAuthError.invalidGrant("no") },
                    issuing: pair(at: now).0
                )
            }
            let outcome = try await redeemAccepted(store, code: code, app: app, at: now)
            guard case .redeemed = outcome else {
                Issue.record("expected redeemed, got \(outcome)")
                return
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func rotationMarksUseAndAnswersRepeatsInsideGrace(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (app, now, refresh) = (redeemed.app, redeemed.now, redeemed.refresh)
            let (next, _, _) = pair(at: now)
            let rotated = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now, grace: 60, issuing: next)
            guard case .rotated(let consentID, _) = rotated else {
                Issue.record("expected rotated, got \(rotated)")
                return
            }
            let repeated = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now + 10, grace: 60, issuing: next)
            guard case .repeated(consentID, let firstUsedAt, _) = repeated else {
                Issue.record("expected repeated, got \(repeated)")
                return
            }
            // PostgreSQL keeps microseconds.
            #expect(abs(firstUsedAt.timeIntervalSince(now)) < 0.001)
            let reused = try await store.rotate(refresh: .of(refresh), by: app.application.clientVersion, at: now + 61, grace: 60, issuing: next)
            #expect(reused == .reused)
            let afterRevocation = try await store.rotate(
                refresh: next.refreshDigest,
                by: app.application.clientVersion,
                at: now + 62,
                grace: 60,
                issuing: pair(at: now).0
            )
            #expect(afterRevocation == .revoked)
        }
    }

    @Test(arguments: StoreBackend.allCases) func garbageCollectionRemovesOnlyExpiredRows(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (now, access) = (redeemed.now, redeemed.access)
            #expect(try await store.deleteExpired(before: now) == 0)
            // After two hours the code (10 min) and the access token (2 h) are gone; the refresh token
            // stays, and with it the grant.
            #expect(try await store.deleteExpired(before: now + 7201) == 2)
            #expect(try await store.bearerAccess(digest: .of(access)) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases) func garbageCollectionRemovesGrantsAndFamiliesOnceNothingRefersToThem(
        _ backend: StoreBackend
    ) async throws {
        try await withStore(backend) { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (_, unusedGrant, _) = try await fixtures.codes(for: redeemed.app)
            guard case .redeemed(let consentID, _) = redeemed.outcome else {
                Issue.record("not redeemed")
                return
            }
            // After the code (10 min) and the access token (2 h) expire, the refresh token (1 day
            // here) still holds the redeemed grant; the never-redeemed code's grant is gone.
            _ = try await store.deleteExpired(before: redeemed.now + 7201)
            #expect(try await store.consent(id: consentID) != nil)
            #expect(try await store.consent(id: unusedGrant.id) == nil)
            // Once the refresh token expires too, nothing refers to the grant, nor to the token
            // family: the refresh token, the grant and the family go.
            #expect(try await store.deleteExpired(before: redeemed.now + 86_401) == 3)
            #expect(try await store.consent(id: consentID) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases) func deletingAnApplicationStopsItsTokensAtOnce(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
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

    @Test(arguments: StoreBackend.allCases) func spendingWithAnOutdatedClientVersionIsStaleAndConsumesNothing(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixtures in
            let app = try await fixtures.app()
            let code = try await fixtures.code(for: app)
            let now = Date()
            #expect(try await store.replaceSecret(of: app.application.id, with: .of("new"), previousExpiresAt: nil))
            await #expect(throws: StaleClientError.self) {
                _ = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
            }
            await #expect(throws: StaleClientError.self) {
                try await store.insertAccessToken(
                    AccessToken(digest: .of("x"), consentID: nil, applicationID: app.application.id, expiresAt: now + 60),
                    for: app.application.clientVersion
                )
            }
            let current = try #require(try await store.application(id: app.application.id))
            #expect(current.version == app.application.version + 1)
            let outcome = try await store.redeem(code: .of(code), by: current.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
            guard case .redeemed = outcome else {
                Issue.record("expected redeemed, got \(outcome)")
                return
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func ownerEmailsAreUniquePerModeIgnoringCase(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.insertOwner(Owner(id: UUID(), email: "Ann@Example.com", passwordHash: nil, mode: .live), vehicles: [])
            await #expect(throws: DuplicateOwnerError.self) {
                try await store.insertOwner(Owner(id: UUID(), email: "ann@example.com", passwordHash: nil, mode: .live), vehicles: [])
            }
            try await store.insertOwner(Owner(id: UUID(), email: "ann@example.com", passwordHash: nil, mode: .test), vehicles: [])
            #expect(try await store.owner(email: "ANN@example.com", mode: .live)?.email == "Ann@Example.com")
        }
    }

    @Test(arguments: StoreBackend.allCases) func loginFailuresCountWithinAWindowAndEveryConcurrentFailureLands(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let now = Date()
            #expect(try await store.loginFailures(emailKey: "ann@example.com", at: now) == nil)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.recordLoginFailure(emailKey: "ann@example.com", at: now, window: 900).count }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            // Each caller saw its own count: what the throttle relies on to admit no more than its limit.
            #expect(counts.sorted() == Array(1...20))
            let open = try #require(try await store.loginFailures(emailKey: "ann@example.com", at: now + 10))
            #expect(open.count == 20)
            #expect(abs(open.windowEndsAt.timeIntervalSince(now + 900)) < 0.001)
            // Once the window has closed nothing is counted, and the next failure starts a new one.
            #expect(try await store.loginFailures(emailKey: "ann@example.com", at: now + 901) == nil)
            try await store.recordLoginFailure(emailKey: "ann@example.com", at: now + 901, window: 900)
            #expect(try await store.loginFailures(emailKey: "ann@example.com", at: now + 902)?.count == 1)
            try await store.clearLoginFailures(emailKey: "ann@example.com")
            #expect(try await store.loginFailures(emailKey: "ann@example.com", at: now + 903) == nil)
            // Cleanup removes closed windows.
            try await store.recordLoginFailure(emailKey: "bob@example.com", at: now, window: 900)
            #expect(try await store.deleteExpired(before: now + 901) >= 1)
            #expect(try await store.loginFailures(emailKey: "bob@example.com", at: now) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases) func resourceServersAreStoredByDigestAndDeleted(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let (server, secret) = try await ResourceServerRegistrar(store: store).register(name: "Vehicle API")
            let found = try #require(try await store.resourceServer(id: server.id))
            // Times come back at the backend's precision (microseconds on PostgreSQL).
            #expect(found.id == server.id && found.name == server.name && found.secretDigest == server.secretDigest)
            #expect(abs(found.createdAt.timeIntervalSince(server.createdAt)) < 0.001)
            #expect(found.acceptsSecret(secret) && !found.acceptsSecret(secret + "x"))
            #expect(try await store.resourceServers().map(\.id) == [server.id])
            #expect(try await store.deleteResourceServer(id: server.id))
            #expect(try await store.resourceServer(id: server.id) == nil)
            #expect(try await !store.deleteResourceServer(id: server.id))
        }
    }

    /// The combined read an API's introspection makes answers what the two reads answer alone,
    /// each half on its own, and sees a revocation and a deletion at once.
    @Test(arguments: StoreBackend.allCases) func aResourceServerAndAnAccessTokenReadTogetherAnswerAsTheyDoApart(
        _ backend: StoreBackend
    ) async throws {
        try await withStore(backend) { store, fixtures in
            let redeemed = try await redeemFreshCode(store, fixtures)
            let (server, _) = try await ResourceServerRegistrar(store: store).register(name: "Vehicle API")
            let both = try await store.resourceServer(id: server.id, withBearerAccess: .of(redeemed.access))
            #expect(both.server?.id == server.id && both.server?.secretDigest == server.secretDigest)
            #expect(both.access == (try await store.bearerAccess(digest: .of(redeemed.access))))
            #expect(both.access?.token.revoked == false && both.access?.grant != nil)
            // Each half is nil alone: an unknown asker with a real token, a real asker with an unknown token.
            let unknownAsker = try await store.resourceServer(id: UUID(), withBearerAccess: .of(redeemed.access))
            #expect(unknownAsker.server == nil && unknownAsker.access != nil)
            let unknownToken = try await store.resourceServer(id: server.id, withBearerAccess: .of(TokenText.random(using: SystemRandomSource())))
            #expect(unknownToken.server != nil && unknownToken.access == nil)
            // A revocation is seen by the next read, and so is the server's deletion.
            _ = try await store.revoke(digest: .of(redeemed.access), of: redeemed.app.application.id)
            #expect(try await store.resourceServer(id: server.id, withBearerAccess: .of(redeemed.access)).access?.token.revoked == true)
            #expect(try await store.deleteResourceServer(id: server.id))
            #expect(try await store.resourceServer(id: server.id, withBearerAccess: .of(redeemed.access)).server == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases) func aVehicleStateIsWrittenOnlyOverTheVersionItWasDecidedOn(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let id = UUID()
            var state = VehicleState(profile: VehicleProfile(vin: "5YJ3E1EA7KF317000"))
            #expect(try await store.vehicleState(id: id) == nil)
            #expect(try await store.saveVehicleState(state, id: id, replacing: nil))
            // A second writer that also saw nothing stored loses.
            #expect(try await store.saveVehicleState(state, id: id, replacing: nil) == false)
            let first = try #require(try await store.vehicleState(id: id))
            #expect(first.state == state)
            state.isLocked = false
            #expect(try await store.saveVehicleState(state, id: id, replacing: first.version))
            // A writer that decided on the first version loses to the one that wrote over it.
            state.isLocked = true
            #expect(try await store.saveVehicleState(state, id: id, replacing: first.version) == false)
            let second = try #require(try await store.vehicleState(id: id))
            #expect(second.state.isLocked == false && second.version > first.version)
        }
    }

    @Test(arguments: StoreBackend.allCases) func ownersOfAModeAreListedOldestFirst(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            var added = [UUID]()
            for index in 0..<3 {
                let owner = Owner(id: UUID(), email: "owner\(index)@example.com", passwordHash: nil, mode: .live)
                try await store.insertOwner(owner, vehicles: [])
                added.append(owner.id)
                // Stored creation times are the store's own clock: keep them apart.
                try await Task.sleep(for: .milliseconds(5))
            }
            try await store.insertOwner(Owner(id: UUID(), email: "t@example.com", passwordHash: nil, mode: .test), vehicles: [])
            #expect(try await store.owners(mode: .live).map(\.id) == added)
        }
    }
}
