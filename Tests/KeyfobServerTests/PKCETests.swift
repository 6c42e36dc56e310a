import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// RFC 7636 at the token endpoint, and RFC 9700 §2.1.1's downgrade rule.
@Suite("PKCE")
struct PKCETests {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    @Test func s256VerifierRedeemsTheCode() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: verifier))
            expectTokenPair(try await server.exchange(code, app: app, extra: [("code_verifier", verifier)]))
        }
    }

    @Test func wrongVerifierIsInvalidGrantAndTheRightOneStillWorks() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: verifier))
            let wrong = String(repeating: "a", count: 43)
            expectOAuthError(try await server.exchange(code, app: app, extra: [("code_verifier", wrong)]), status: 400, error: "invalid_grant")
            expectTokenPair(try await server.exchange(code, app: app, extra: [("code_verifier", verifier)]))
        }
    }

    @Test func missingVerifierIsInvalidGrant() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: verifier))
            expectOAuthError(try await server.exchange(code, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func verifierForACodeWithoutChallengeIsADowngradeAndRefused() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            expectOAuthError(try await server.exchange(code, app: app, extra: [("code_verifier", verifier)]), status: 400, error: "invalid_grant")
            expectTokenPair(try await server.exchange(code, app: app))
        }
    }

    @Test func publicClientRedeemsWithClientIDAndVerifierOnly() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(isPublic: true)
            let code = try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: verifier))
            let reply = try await server.token([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI),
                ("client_id", app.id), ("code_verifier", verifier),
            ])
            expectTokenPair(reply)
        }
    }

    @Test func publicClientCodeWithoutChallengeIsRefused() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(isPublic: true)
            let code = try await server.fixtures.code(for: app)
            let reply = try await server.token([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI), ("client_id", app.id),
            ])
            expectOAuthError(reply, status: 400, error: "invalid_grant")
        }
    }
}
