import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

/// RFC 7662 §2.1: the introspection endpoint requires authorization. Confidential clients learn of
/// their own tokens; resource servers, registered with `keyfob resource-servers`, of any client's
/// access tokens.
@Suite("introspection authorization")
struct IntrospectionAuthorizationTests {
    func introspect(
        _ server: TestServer,
        _ token: String,
        credentials: [(String, String)],
        extra: [(String, String)] = []
    ) async throws -> TestHTTP.Reply {
        try await server.token([("token", token)] + extra, headers: credentials, path: "/oauth/introspect")
    }

    @Test func aPublicClientIsRefused() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(isPublic: true)
            let tokens = try await server.exchange(
                try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: String(repeating: "v", count: 43))),
                app: app,
                extra: [("code_verifier", String(repeating: "v", count: 43))]
            )
            #expect(tokens.status == 200)
            let bodyOnly = try await server.token(
                [("token", tokens["access_token"]!), ("client_id", app.id)],
                path: "/oauth/introspect"
            )
            expectOAuthError(bodyOnly, status: 401, error: "invalid_client")
            #expect(bodyOnly.json["active"] == nil)
            let emptyBasic = try await introspect(server, tokens["access_token"]!, credentials: [TestHTTP.basic(app.id, "")])
            expectOAuthError(emptyBasic, status: 401, error: "invalid_client")
        }
    }

    @Test func aResourceServerIntrospectsAnyClientsAccessTokens() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (codes, grant, vehicles) = try await server.fixtures.codes(for: app)
            let tokens = try await server.exchange(codes[0], app: app)
            let (api, secret) = try await ResourceServerRegistrar(store: server.store, clock: server.clock).register(name: "Vehicle API")
            let reply = try await introspect(server, tokens["access_token"]!, credentials: [TestHTTP.basic(api.id.lowercasedText, secret)])
            #expect(reply.status == 200)
            #expect(reply.json["active"] as? Bool == true)
            #expect(reply["client_id"] == app.id)
            #expect(reply["sub"] == grant.ownerID.lowercasedText)
            #expect(reply["scope"] == "read_vehicle_info read_odometer")
            #expect(reply["token_type"] == "Bearer" && reply["token_use"] == "access_token")
            #expect(reply.json["vehicles"] as? [String] == vehicles.map(\.id.lowercasedText))
            #expect(reply.json["exp"] as? Int != nil)
            // Also in client_secret_post form.
            let posted = try await server.token(
                [("token", tokens["access_token"]!), ("client_id", api.id.lowercasedText), ("client_secret", secret)],
                path: "/oauth/introspect"
            )
            #expect(posted.json["active"] as? Bool == true)
        }
    }

    @Test func aResourceServerIsNotShownRefreshTokensOrDeadOnes() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let tokens = try await server.freshPair(app)
            let (api, secret) = try await ResourceServerRegistrar(store: server.store, clock: server.clock).register(name: "Vehicle API")
            let credentials = [TestHTTP.basic(api.id.lowercasedText, secret)]
            let refresh = try await introspect(
                server,
                tokens["refresh_token"]!,
                credentials: credentials,
                extra: [("token_type_hint", "refresh_token")]
            )
            #expect(refresh.json["active"] as? Bool == false && refresh.json.count == 1)
            _ = try await server.token([("token", tokens["access_token"]!)], headers: [app.basic], path: "/oauth/revoke")
            let revoked = try await introspect(server, tokens["access_token"]!, credentials: credentials)
            #expect(revoked.json["active"] as? Bool == false)
        }
    }

    @Test func aWrongOrDeletedResourceServerSecretIsInvalidClient() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let tokens = try await server.freshPair(app)
            let (api, secret) = try await ResourceServerRegistrar(store: server.store, clock: server.clock).register(name: "Vehicle API")
            expectOAuthError(
                try await introspect(server, tokens["access_token"]!, credentials: [TestHTTP.basic(api.id.lowercasedText, "wrong")]),
                status: 401,
                error: "invalid_client"
            )
            #expect(try await server.store.deleteResourceServer(id: api.id))
            expectOAuthError(
                try await introspect(server, tokens["access_token"]!, credentials: [TestHTTP.basic(api.id.lowercasedText, secret)]),
                status: 401,
                error: "invalid_client"
            )
        }
    }

    @Test func aResourceServerCannotRevokeOrGetTokens() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let tokens = try await server.freshPair(app)
            let (api, secret) = try await ResourceServerRegistrar(store: server.store, clock: server.clock).register(name: "Vehicle API")
            let credentials = [TestHTTP.basic(api.id.lowercasedText, secret)]
            expectOAuthError(
                try await server.token([("grant_type", "client_credentials")], headers: credentials),
                status: 401,
                error: "invalid_client"
            )
            _ = try await server.token([("token", tokens["access_token"]!)], headers: credentials, path: "/oauth/revoke")
            #expect(try await server.api("/user", token: tokens["access_token"]).status == 200)
        }
    }

    @Test func metadataOffersNoUnauthenticatedIntrospection() async throws {
        try await TestServer.with { server in
            let metadata = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server")
            #expect(metadata.json["introspection_endpoint_auth_methods_supported"] as? [String] == ["client_secret_basic", "client_secret_post"])
        }
    }
}
