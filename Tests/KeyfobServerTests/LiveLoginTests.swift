import Foundation
import HummingbirdBcrypt
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `mode=live` logs owners in against `keyfob owners add` accounts.
@Suite("Connect live login")
struct LiveLoginTests {
    func addOwner(_ server: TestServer, email: String, password: String) async throws {
        let owner = Owner(id: UUID(), email: email, passwordHash: Bcrypt.hash(password, cost: 4), mode: .live)
        try await server.store.insertOwner(
            owner,
            vehicles: [
                Vehicle(id: UUID(), ownerID: owner.id, make: "FORD", model: "F-150", year: 2021, vin: "1FTEW1EP5KFA12345")
            ]
        )
    }

    @Test func rightPasswordLogsInAndWrongOneShowsTheLoginPageAgain() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "ann@example.com", password: "correct horse")
            let (_, wrong) = try await server.logIn(app, email: "ann@example.com", password: "wrong", parameters: [("state", "s")])
            #expect(wrong.status == 200)
            #expect(wrong.text.contains("do not match"))
            #expect(wrong.inputValue("csrf") != nil)
            let (browser, right) = try await server.logIn(app, email: "ANN@example.com", password: "correct horse", parameters: [("state", "s")])
            #expect(right.header("Location") == "/oauth/grant")
            #expect(try await browser.get("/oauth/grant").text.contains("2021 FORD F-150"))
        }
    }

    @Test func unknownLiveEmailIsRefusedLikeAWrongPassword() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (_, reply) = try await server.logIn(app, email: "nobody@example.com", password: "x", parameters: [])
            #expect(reply.status == 200 && reply.text.contains("do not match"))
        }
    }

    @Test func repeatedFailuresForOneEmailAreSlowedDown() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "bob@example.com", password: "right password")
            for _ in 0..<5 { _ = try await server.logIn(app, email: "bob@example.com", password: "guess", parameters: []) }
            let (_, locked) = try await server.logIn(app, email: "bob@example.com", password: "right password", parameters: [])
            #expect(locked.status == 200 && locked.text.contains("Too many failed attempts"))
            server.clock.advance(by: 901)
            let (_, after) = try await server.logIn(app, email: "bob@example.com", password: "right password", parameters: [])
            #expect(after.header("Location") == "/oauth/grant")
        }
    }

    @Test func parallelWrongPasswordsAreCheckedNoMoreThanTheLimitAllows() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "cat@example.com", password: "right password")
            _ = try await server.logIn(app, email: "cat@example.com", password: "guess", parameters: [])
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<16 {
                    group.addTask { try await server.logIn(app, email: "cat@example.com", password: "guess \(index)", parameters: []).1.text }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let checked = answers.filter { $0.contains("do not match an account") }.count
            let throttled = answers.filter { $0.contains("Too many failed attempts") }.count
            // One wrong password was already counted: of five allowed, four remain.
            #expect(checked == 4)
            #expect(throttled == 12)
        }
    }

    /// A raw Connect login from a given loopback address: the authorize page, then the form.
    func logIn(_ server: TestServer, _ app: Fixtures.App, from address: String, email: String, password: String) async throws -> String {
        let authorize = try await RawConnection.exchange(
            port: server.port,
            from: address,
            method: "GET",
            path: "/oauth/authorize?" + TestHTTP.formEncode([("response_type", "code"), ("client_id", app.id)])
        )
        let cookie = try #require(authorize.firstMatch(of: /keyfob_connect=[^;]+/)).output
        let csrf = try #require(authorize.firstMatch(of: /name="csrf" value="([^"]*)"/)).output.1
        return try await RawConnection.exchange(
            port: server.port,
            from: address,
            method: "POST",
            path: "/oauth/login",
            headers: [("Cookie", String(cookie)), ("Content-Type", "application/x-www-form-urlencoded")],
            body: TestHTTP.formEncode([("csrf", String(csrf)), ("email", email), ("password", password)])
        )
    }

    @Test func failuresFromOneAddressDoNotLockTheOwnerOutElsewhere() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "dan@example.com", password: "right password")
            for _ in 0..<6 {
                _ = try await logIn(server, app, from: "127.0.0.66", email: "dan@example.com", password: "guess")
            }
            let attacker = try await logIn(server, app, from: "127.0.0.66", email: "DAN@example.com", password: "right password")
            #expect(attacker.contains("Too many failed attempts"))
            let owner = try await logIn(server, app, from: "127.0.0.1", email: "dan@example.com", password: "right password")
            #expect(owner.hasPrefix("HTTP/1.1 303"), "\(owner.prefix(200))")
            #expect(owner.contains("location: /oauth/grant") || owner.contains("Location: /oauth/grant"))
        }
    }

    @Test func failuresSpreadOverManyAddressesMeetTheSlowerLimitPerEmail() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            try await addOwner(server, email: "eve@example.com", password: "right password")
            // 100 attempts per email in an hour, from 25 addresses with 4 each: all under the
            // per-address limit.
            for attempt in 0..<100 {
                _ = try await logIn(server, app, from: "127.0.1.\(attempt % 25 + 1)", email: "eve@example.com", password: "guess")
            }
            let fresh = try await logIn(server, app, from: "127.0.2.1", email: "eve@example.com", password: "right password")
            #expect(fresh.contains("Too many failed attempts"))
        }
    }

    @Test func anUnknownEmailCostsTheSameBcryptWorkAsAWrongPassword() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            // The cost `keyfob owners add` uses.
            let owner = Owner(id: UUID(), email: "fay@example.com", passwordHash: Bcrypt.hash("right password", cost: 12), mode: .live)
            try await server.store.insertOwner(owner, vehicles: [])
            func seconds(_ email: String) async throws -> Double {
                let (browser, _) = try await server.logIn(app, email: "warm-up@example.com", password: "x", parameters: [])
                _ = browser
                let started = ContinuousClock.now
                _ = try await server.logIn(app, email: email, password: "wrong", parameters: [])
                let elapsed = ContinuousClock.now - started
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            var known = [Double]()
            var unknown = [Double]()
            for index in 0..<3 {
                known.append(try await seconds("fay@example.com"))
                unknown.append(try await seconds("nobody-\(index)@example.com"))
            }
            // Before, an unknown email answered in a few milliseconds against hundreds for a wrong
            // password; now both spend one bcrypt at the same cost.
            let knownMedian = known.sorted()[1]
            let unknownMedian = unknown.sorted()[1]
            #expect(unknownMedian > knownMedian * 0.5, "known \(known), unknown \(unknown)")
        }
    }
}
