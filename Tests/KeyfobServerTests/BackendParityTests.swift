import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// The main flows over real HTTP on every backend: what a client sees does not depend on where
/// Keyfob keeps its data. (The other suites go deep on SQLite; the store contract suite covers the
/// rules underneath on each backend.)
@Suite("Same answers on every backend", .serialized)
struct BackendParityTests {
    @Test(arguments: StoreBackend.allCases)
    func exchangeThenAPIThenRefreshThenRevoke(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            expectTokenPair(first)
            #expect(try await server.api("/user", token: first["access_token"]).status == 200)
            let vehicles = try await server.api("/vehicles", token: first["access_token"])
            #expect((vehicles.json["vehicles"] as? [String])?.count == 2)

            let second = try await server.refresh(first["refresh_token"]!, app: app)
            expectTokenPair(second)
            #expect(second["refresh_token"] != first["refresh_token"])
            #expect(try await server.api("/user", token: second["access_token"]).status == 200)

            let revoked = try await server.token([("token", second["refresh_token"]!)], headers: [app.basic], path: "/oauth/revoke")
            #expect(revoked.status == 200)
            #expect(try await server.api("/user", token: second["access_token"]).status == 401)
            let introspected = try await server.token([("token", second["refresh_token"]!)], headers: [app.basic], path: "/oauth/introspect")
            #expect(introspected.json["active"] as? Bool == false)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aReplayedCodeRevokesWhatItIssued(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let first = try await server.exchange(code, app: app)
            expectTokenPair(first)
            expectOAuthError(try await server.exchange(code, app: app), status: 400, error: "invalid_grant")
            #expect(try await server.api("/user", token: first["access_token"]).status == 401)
            expectOAuthError(try await server.refresh(first["refresh_token"]!, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aWrongVerifierLeavesTheCodeUsable(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let verifier = String(repeating: "v", count: 43)
            let code = try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: verifier))
            let wrong = String(repeating: "w", count: 43)
            expectOAuthError(try await server.exchange(code, app: app, extra: [("code_verifier", wrong)]), status: 400, error: "invalid_grant")
            expectTokenPair(try await server.exchange(code, app: app, extra: [("code_verifier", verifier)]))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func clientCredentialsAndClientAuthentication(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let token = try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            #expect(token.status == 200)
            #expect(token["access_token"] != nil)
            let wrong = try await server.token([("grant_type", "client_credentials")], headers: [TestHTTP.basic(app.id, "nope")])
            expectOAuthError(wrong, status: 401, error: "invalid_client")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func connectFromAuthorizeToTokens(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let done = try await server.connect(app)
            #expect(done.status == 303)
            let code = try #require(done.redirectParameters["code"])
            #expect(done.redirectParameters["state"] == "xyz")
            expectTokenPair(try await server.exchange(code, app: app))
            // approval_prompt=auto skips the grant page now that a grant exists.
            let again = try await server.connect(app, parameters: [("mode", "test"), ("state", "again"), ("approval_prompt", "auto")])
            #expect(again.redirectParameters["code"] != nil)
        }
    }
}
