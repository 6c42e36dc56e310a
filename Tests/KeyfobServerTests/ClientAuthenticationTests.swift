import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// RFC 6749 §2.3 as docs/contract.md §2 shapes it.
@Suite("client authentication")
struct ClientAuthenticationTests {
    let grant = [("grant_type", "client_credentials")]

    @Test func clientSecretPostIsAccepted() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token(grant + [("client_id", app.id), ("client_secret", app.secret)])
            #expect(reply.status == 200)
        }
    }

    @Test func basicSchemeWordIsCaseInsensitive() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let encoded = Data("\(app.id):\(app.secret)".utf8).base64EncodedString()
            #expect(try await server.token(grant, headers: [("Authorization", "bAsIc \(encoded)")]).status == 200)
        }
    }

    @Test func basicCredentialsAreFormDecodedAfterBase64() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            // Secrets are base64url, so '-' and '_' may appear; percent-encode every character.
            let escaped = app.secret.utf8.map { String(format: "%%%02X", $0) }.joined()
            let encoded = Data("\(app.id):\(escaped)".utf8).base64EncodedString()
            #expect(try await server.token(grant, headers: [("Authorization", "Basic \(encoded)")]).status == 200)
        }
    }

    @Test func twoAuthenticationMethodsAtOnceAreInvalidRequest() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token(grant + [("client_id", app.id), ("client_secret", app.secret)], headers: [app.basic])
            expectOAuthError(reply, status: 400, error: "invalid_request")
        }
    }

    @Test func bodyClientIDNamingAnotherClientThanBasicIsInvalidClient() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let other = try await server.fixtures.app(name: "Other")
            let reply = try await server.token(grant + [("client_id", other.id)], headers: [app.basic])
            expectOAuthError(reply, status: 401, error: "invalid_client")
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic realm=\"keyfob\"") == true)
        }
    }

    @Test func bodyClientIDNamingTheSameClientAsBasicIsFine() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            #expect(try await server.token(grant + [("client_id", app.id)], headers: [app.basic]).status == 200)
        }
    }

    @Test func wrongSecretIsInvalidClientWithABasicChallenge() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token(grant, headers: [TestHTTP.basic(app.id, "wrong")])
            expectOAuthError(reply, status: 401, error: "invalid_client")
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic realm=\"keyfob\"") == true)
        }
    }

    @Test func wrongSecretInTheBodyIsInvalidClientWithoutAChallenge() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token(grant + [("client_id", app.id), ("client_secret", "wrong")])
            expectOAuthError(reply, status: 401, error: "invalid_client")
            #expect(reply.header("WWW-Authenticate") == nil)
        }
    }

    @Test func unknownClientIsInvalidClient() async throws {
        try await TestServer.with { server in
            let reply = try await server.token(grant, headers: [TestHTTP.basic(UUID().uuidString, "secret")])
            expectOAuthError(reply, status: 401, error: "invalid_client")
            let notUUID = try await server.token(grant, headers: [TestHTTP.basic("bench-client", "secret")])
            expectOAuthError(notUUID, status: 401, error: "invalid_client")
        }
    }

    /// Client ids are read strictly (decisions.md): spaces in or around a real id, with its right
    /// secret, name no client.
    @Test func clientIDWithSpacesIsInvalidClient() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let spaced = app.id.prefix(9) + " " + app.id.dropFirst(10)
            for id in [" " + app.id, app.id + " ", String(spaced)] {
                let reply = try await server.token(grant, headers: [TestHTTP.basic(id, app.secret)])
                expectOAuthError(reply, status: 401, error: "invalid_client")
            }
        }
    }

    @Test func noCredentialsIsInvalidClient() async throws {
        try await TestServer.with { server in
            let reply = try await server.token(grant)
            expectOAuthError(reply, status: 401, error: "invalid_client")
            #expect(reply.header("WWW-Authenticate") == nil)
        }
    }

    @Test func confidentialClientSendingOnlyItsIDIsInvalidClient() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.token(grant + [("client_id", app.id)]), status: 401, error: "invalid_client")
        }
    }

    @Test(arguments: [
        "Basic", "Basic !!!not-base64!!!", "Basic " + Data("no-colon".utf8).base64EncodedString(),
        "Basic " + Data(":secret".utf8).base64EncodedString(),
    ])
    func malformedAuthorizationHeaderIsInvalidRequest(header: String) async throws {
        try await TestServer.with { server in
            expectOAuthError(try await server.token(grant, headers: [("Authorization", header)]), status: 400, error: "invalid_request")
        }
    }

    /// RFC 6749 §5.2: a scheme other than the supported one is invalid_client, with a challenge
    /// naming Basic.
    @Test(arguments: ["Bearer abc", "Digest username=x", "Token 123"])
    func otherAuthorizationSchemeIsInvalidClientWithABasicChallenge(header: String) async throws {
        try await TestServer.with { server in
            let reply = try await server.token(grant, headers: [("Authorization", header)])
            expectOAuthError(reply, status: 401, error: "invalid_client")
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic realm=\"keyfob\"") == true)
        }
    }

    @Test func refusedAuthenticationConsumesNothing() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI)]
            expectOAuthError(try await server.token(form, headers: [TestHTTP.basic(app.id, "wrong")]), status: 401, error: "invalid_client")
            expectTokenPair(try await server.token(form, headers: [app.basic]))
        }
    }

    @Test func rotatedSecretKeepsWorkingDuringTheOverlapOnly() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let registrar = KeyfobCore.ApplicationRegistrar(store: server.store, clock: server.clock)
            let newSecret = try #require(try await registrar.rotateSecret(of: app.application.id, overlap: 3600))
            #expect(try await server.token(grant, headers: [app.basic]).status == 200)
            #expect(try await server.token(grant, headers: [TestHTTP.basic(app.id, newSecret)]).status == 200)
            server.clock.advance(by: 3601)
            expectOAuthError(try await server.token(grant, headers: [app.basic]), status: 401, error: "invalid_client")
            #expect(try await server.token(grant, headers: [TestHTTP.basic(app.id, newSecret)]).status == 200)
        }
    }

    /// Requests refused before the store is asked, each with the old secret after a rotation or a
    /// deletion: all must be invalid_client, not the refusal a valid client would get.
    static let refusedBeforeTheStore: [[(String, String)]] = [
        [("grant_type", "no_such_grant")],
        [("grant_type", "authorization_code")],
        [("grant_type", "refresh_token"), ("refresh_token", "not-a-token")],
        [("grant_type", "client_credentials"), ("scope", "fly")],
    ]

    @Test func oldSecretIsInvalidClientAtOnceAfterRotationWithoutOverlap() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            // The server now holds the app in its cache.
            #expect(try await server.token(grant, headers: [app.basic]).status == 200)
            let registrar = KeyfobCore.ApplicationRegistrar(store: server.store, clock: server.clock)
            _ = try #require(try await registrar.rotateSecret(of: app.application.id, overlap: 0))
            for form in Self.refusedBeforeTheStore {
                expectOAuthError(try await server.token(form, headers: [app.basic]), status: 401, error: "invalid_client")
            }
        }
    }

    @Test func deletedAppIsInvalidClientAtOnce() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            #expect(try await server.token(grant, headers: [app.basic]).status == 200)
            #expect(try await server.store.deleteApplication(id: app.application.id))
            for form in Self.refusedBeforeTheStore + [grant] {
                expectOAuthError(try await server.token(form, headers: [app.basic]), status: 401, error: "invalid_client")
            }
        }
    }
}
