import Foundation
import KeyfobTestSupport
import Testing

/// RFC 6749 §4.1.3: redirect_uri must be identical to the one in the authorization request.
@Suite("redirect_uri binding")
struct RedirectURIBindingTests {
    @Test func mismatchedRedirectURIIsInvalidGrantAndLeavesTheCodeUsable() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(redirectURIs: [Fixtures.redirectURI, "https://client.example.com/other"])
            let code = try await server.fixtures.code(for: app)
            expectOAuthError(
                try await server.exchange(code, app: app, redirectURI: "https://client.example.com/other"),
                status: 400,
                error: "invalid_grant"
            )
            expectOAuthError(
                try await server.exchange(code, app: app, redirectURI: Fixtures.redirectURI + "/"),
                status: 400,
                error: "invalid_grant"
            )
            expectTokenPair(try await server.exchange(code, app: app))
        }
    }

    @Test func missingRedirectURIIsInvalidGrantWhenTheAuthorizeRequestCarriedOne() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            expectOAuthError(try await server.exchange(code, app: app, redirectURI: nil), status: 400, error: "invalid_grant")
        }
    }

    @Test func redirectURIMayBeOmittedWhenTheAuthorizeRequestUsedTheDefault() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app, redirectURIWasSent: false)
            expectTokenPair(try await server.exchange(code, app: app, redirectURI: nil))
        }
    }

    @Test func defaultRedirectURIMustStillMatchWhenSent() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app, redirectURIWasSent: false)
            expectOAuthError(
                try await server.exchange(code, app: app, redirectURI: "https://evil.example.com/cb"),
                status: 400,
                error: "invalid_grant"
            )
            expectTokenPair(try await server.exchange(code, app: app, redirectURI: Fixtures.redirectURI))
        }
    }
}
