import Foundation
import KeyfobConnect
import KeyfobTestSupport
import Testing

/// `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662).
@Suite("revocation and introspection")
struct TokenManagementTests {
    @Test func revokingAnAccessTokenEndsItAlone() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let tokens = try await server.freshPair(app)
            let reply = try await server.token(
                [("token", tokens["access_token"]!), ("token_type_hint", "access_token")],
                headers: [app.basic],
                path: "/oauth/revoke"
            )
            #expect(reply.status == 200 && reply.header("Cache-Control") == "no-store")
            #expect(try await server.api("/user", token: tokens["access_token"]).status == 401)
            expectTokenPair(try await server.refresh(tokens["refresh_token"]!, app: app))
        }
    }

    @Test func revokingARefreshTokenEndsItsWholeFamily() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let tokens = try await server.freshPair(app)
            #expect(try await server.token([("token", tokens["refresh_token"]!)], headers: [app.basic], path: "/oauth/revoke").status == 200)
            #expect(try await server.api("/user", token: tokens["access_token"]).status == 401)
            expectOAuthError(try await server.refresh(tokens["refresh_token"]!, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func revokingAnotherClientsTokenAnswers200AndChangesNothing() async throws {
        try await TestServer.with { server in
            let owner = try await server.fixtures.app(name: "Owner")
            let other = try await server.fixtures.app(name: "Other")
            let tokens = try await server.freshPair(owner)
            #expect(try await server.token([("token", tokens["access_token"]!)], headers: [other.basic], path: "/oauth/revoke").status == 200)
            #expect(try await server.api("/user", token: tokens["access_token"]).status == 200)
            #expect(try await server.token([("token", "nonsense")], headers: [other.basic], path: "/oauth/revoke").status == 200)
        }
    }

    @Test func revocationNeedsClientAuthenticationAndAToken() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.token([("token", UUID().uuidString)], path: "/oauth/revoke"), status: 401, error: "invalid_client")
            expectOAuthError(try await server.token([], headers: [app.basic], path: "/oauth/revoke"), status: 400, error: "invalid_request")
            expectOAuthError(try await TestHTTP.send(.GET, server.baseURL + "/oauth/revoke"), status: 405, error: "invalid_request")
        }
    }

    @Test func introspectionDescribesAnActiveAccessToken() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (codes, grant, _) = try await server.fixtures.codes(for: app)
            let tokens = try await server.exchange(codes[0], app: app)
            let reply = try await server.token([("token", tokens["access_token"]!)], headers: [app.basic], path: "/oauth/introspect")
            #expect(reply.status == 200 && reply.header("Cache-Control") == "no-store")
            #expect(reply.json["active"] as? Bool == true)
            #expect(reply["client_id"] == app.id)
            #expect(reply["token_type"] == "Bearer")
            #expect(reply["scope"] == "read_vehicle_info read_odometer")
            #expect(reply["sub"] == grant.ownerID.uuidString.lowercased())
            let expiry = try #require(reply.json["exp"] as? Int)
            #expect(abs(Double(expiry) - server.clock.now.addingTimeInterval(7200).timeIntervalSince1970) < 2)
        }
    }

    @Test func introspectionFindsRefreshTokensAndReportsInactiveOnes() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let other = try await server.fixtures.app(name: "Other")
            let tokens = try await server.freshPair(app)
            let refresh = try await server.token(
                [("token", tokens["refresh_token"]!), ("token_type_hint", "refresh_token")],
                headers: [app.basic],
                path: "/oauth/introspect"
            )
            #expect(refresh.json["active"] as? Bool == true && refresh["token_use"] == "refresh_token")
            // RFC 7662 §2.2: token_type is the RFC 6749 type of the pair.
            #expect(refresh["token_type"] == "Bearer")
            // The refresh token's grant, read by its own lookup, is the access token's.
            let access = try await server.token([("token", tokens["access_token"]!)], headers: [app.basic], path: "/oauth/introspect")
            #expect(refresh["sub"] != nil && refresh["sub"] == access["sub"])
            #expect(refresh["scope"] != nil && refresh["scope"] == access["scope"])
            let vehicles = refresh.json["vehicles"] as? [String]
            #expect(vehicles?.isEmpty == false && vehicles == access.json["vehicles"] as? [String])

            // Another client learns nothing.
            let foreign = try await server.token([("token", tokens["access_token"]!)], headers: [other.basic], path: "/oauth/introspect")
            #expect(foreign.json as NSDictionary == ["active": false] as NSDictionary)

            server.clock.advance(by: 7201)
            let expired = try await server.token([("token", tokens["access_token"]!)], headers: [app.basic], path: "/oauth/introspect")
            #expect(expired.json as NSDictionary == ["active": false] as NSDictionary)
            let malformed = try await server.token([("token", "x")], headers: [app.basic], path: "/oauth/introspect")
            #expect(malformed.json as NSDictionary == ["active": false] as NSDictionary)
        }
    }
}
