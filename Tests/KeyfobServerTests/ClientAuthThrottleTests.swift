import Foundation
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// Failed client authentication is limited per client id and address, and per address
/// (RFC 6749 §2.3.1, docs/contract.md §9), over real HTTP on every backend.
@Suite("client authentication limits")
struct ClientAuthThrottleTests {
    static let tight: @Sendable (inout KeyfobConfiguration) -> Void = {
        $0.clientAuthLimits.perClientAndAddress = 5
        $0.clientAuthLimits.perAddress = 12
    }

    @Test(arguments: StoreBackend.allCases)
    func aFloodOfWrongSecretsIs429WithRetryAfterAndTheWindowEndsIt(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend, configure: Self.tight) { server in
            let app = try await server.fixtures.app()
            let wrong = TestHTTP.basic(app.id, "wrong-secret")
            var statuses = [Int]()
            for _ in 0..<7 {
                statuses.append(try await server.token([("grant_type", "client_credentials")], headers: [wrong]).status)
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429, 429])
            // Over the limit, the right secret from that address waits too: the guess that
            // might be right is not checked.
            let blocked = try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            expectOAuthError(blocked, status: 429, error: "temporarily_unavailable")
            #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 > 0)
            server.clock.advance(by: 301)
            #expect(try await server.token([("grant_type", "client_credentials")], headers: [app.basic]).status == 200)
        }
    }

    /// The device authorization endpoint authenticates clients through the same count: guesses
    /// spread over both endpoints are limited as guesses at one.
    @Test func deviceAuthorizationAndTokenEndpointShareOneCount() async throws {
        try await TestServer.with(configure: Self.tight) { server in
            let app = try await server.deviceApp()
            let wrong = TestHTTP.basic(app.id, "wrong-secret")
            var statuses = [Int]()
            for index in 0..<7 {
                let path = index.isMultiple(of: 2) ? "/oauth/device_authorization" : "/oauth/token"
                statuses.append(try await server.token([("grant_type", "client_credentials")], headers: [wrong], path: path).status)
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429, 429])
            let blocked = try await server.deviceAuthorization(app)
            expectOAuthError(blocked, status: 429, error: "temporarily_unavailable")
            server.clock.advance(by: 301)
            #expect(try await server.deviceAuthorization(app).status == 200)
        }
    }

    /// Pushed authorization requests authenticate clients through the same count too.
    @Test func pushedAuthorizationAndTokenEndpointShareOneCount() async throws {
        try await TestServer.with(configure: Self.tight) { server in
            let app = try await server.fixtures.app()
            let wrong = TestHTTP.basic(app.id, "wrong-secret")
            var statuses = [Int]()
            for index in 0..<7 {
                statuses.append(
                    index.isMultiple(of: 2)
                        ? try await server.token(TestServer.pushedParameters, headers: [wrong], path: "/oauth/par").status
                        : try await server.token([("grant_type", "client_credentials")], headers: [wrong]).status
                )
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429, 429])
            expectOAuthError(try await server.push(app), status: 429, error: "temporarily_unavailable")
            server.clock.advance(by: 301)
            #expect(try await server.push(app).status == 201)
        }
    }

    @Test func anotherAppFromTheSameAddressKeepsWorkingUntilTheAddressLimit() async throws {
        try await TestServer.with(configure: Self.tight) { server in
            let attacked = try await server.fixtures.app()
            let other = try await server.fixtures.app(name: "Other")
            for _ in 0..<6 { _ = try await server.token([("grant_type", "client_credentials")], headers: [TestHTTP.basic(attacked.id, "x")]) }
            #expect(try await server.token([("grant_type", "client_credentials")], headers: [other.basic]).status == 200)
            // Spraying over apps reaches the per-address limit.
            var last = 0
            for index in 0..<8 {
                last = try await server.token([("grant_type", "client_credentials")], headers: [TestHTTP.basic("app-\(index)", "x")]).status
            }
            #expect(last == 429)
        }
    }

    @Test func aCorrectClientIsNeverCounted() async throws {
        try await TestServer.with(configure: Self.tight) { server in
            let app = try await server.fixtures.app()
            for _ in 0..<20 {
                #expect(try await server.token([("grant_type", "client_credentials")], headers: [app.basic]).status == 200)
            }
        }
    }
}

/// The v2 API's allowance per access token: 429 `RATE_LIMIT` with `Retry-After` past it, for that
/// token only, until its minute ends.
@Suite("API call limits")
struct APIRateLimitTests {
    @Test func aTokenPastItsAllowanceIs429AndOtherTokensAreNot() async throws {
        let five: @Sendable (inout KeyfobConfiguration) -> Void = { $0.apiCallsPerToken = 5 }
        try await TestServer.with(configure: five) { server in
            let app = try await server.fixtures.app()
            let busy = try #require(try await server.freshPair(app)["access_token"])
            let quiet = try #require(try await server.freshPair(app)["access_token"])
            var statuses = [Int]()
            for _ in 0..<7 { statuses.append(try await server.api("/user", token: busy).status) }
            #expect(statuses == [200, 200, 200, 200, 200, 429, 429])
            let limited = try await server.api("/vehicles", token: busy)
            expectV2Error(limited, status: 429, type: "RATE_LIMIT")
            #expect(Int(limited.header("retry-after") ?? "") ?? 0 > 1)
            #expect(try await server.api("/user", token: quiet).status == 200)
            server.clock.advance(by: 61)
            #expect(try await server.api("/user", token: busy).status == 200)
        }
    }
}

/// Behind a trusted proxy the limits count the client's address from `X-Forwarded-For` (its right
/// end, which a client cannot forge); from anyone else the header changes nothing.
@Suite("trusted proxies")
struct TrustedProxyTests {
    static func flood(_ server: TestServer, _ app: Fixtures.App, from forwarded: String) async throws -> [Int] {
        var statuses = [Int]()
        for _ in 0..<7 {
            statuses.append(
                try await server.token(
                    [("grant_type", "client_credentials")],
                    headers: [TestHTTP.basic(app.id, "wrong"), ("X-Forwarded-For", forwarded)]
                ).status
            )
        }
        return statuses
    }

    @Test func behindATrustedProxyAnotherClientOfTheSameAppIsNotLockedOut() async throws {
        let proxied: @Sendable (inout KeyfobConfiguration) -> Void = {
            $0.clientAuthLimits.perClientAndAddress = 5
            $0.trustedProxies = ["127.0.0.1"]
        }
        try await TestServer.with(configure: proxied) { server in
            let app = try await server.fixtures.app()
            // A forged left entry does not move the count: the right-most untrusted hop does.
            #expect(try await Self.flood(server, app, from: "198.51.100.1, 203.0.113.5").suffix(2) == [429, 429])
            let elsewhere = try await server.token([("grant_type", "client_credentials")], headers: [app.basic, ("X-Forwarded-For", "203.0.113.9")])
            #expect(elsewhere.status == 200)
            let same = try await server.token([("grant_type", "client_credentials")], headers: [app.basic, ("X-Forwarded-For", "203.0.113.5")])
            #expect(same.status == 429)
        }
    }

    @Test func fromAnUntrustedPeerTheHeaderIsIgnored() async throws {
        let tight: @Sendable (inout KeyfobConfiguration) -> Void = { $0.clientAuthLimits.perClientAndAddress = 5 }
        try await TestServer.with(configure: tight) { server in
            let app = try await server.fixtures.app()
            _ = try await Self.flood(server, app, from: "203.0.113.5")
            // Claiming another address does not escape the limit.
            let claimed = try await server.token([("grant_type", "client_credentials")], headers: [app.basic, ("X-Forwarded-For", "203.0.113.77")])
            #expect(claimed.status == 429)
        }
    }
}
