import Foundation
import KeyfobTestSupport
import Testing

@Suite("client_credentials grant")
struct ClientCredentialsTests {
    @Test func applicationTokenHasNoRefreshTokenAndLastsAnHour() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token([("grant_type", "client_credentials")], headers: [app.basic], path: "/oauth2/token")
            #expect(reply.status == 200)
            #expect(reply.json["expires_in"] as? Int == 3600)
            #expect(reply["token_type"] == "Bearer")
            #expect(reply.json["refresh_token"] == nil)
            #expect(reply["access_token"].flatMap(UUIDShape.init) != nil)
            expectTokenEndpointHeaders(reply)
        }
    }

    @Test func applicationTokenCarriesNoUser() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            let user = try await server.api("/user", token: reply["access_token"])
            #expect(user.status == 403)
            #expect(user["type"] == "PERMISSION")
        }
    }

    @Test func scopeWithinTheApplicationsPermissionsIsGranted() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(permissions: ["read_vehicle_info", "read_odometer"])
            let reply = try await server.token([("grant_type", "client_credentials"), ("scope", "read_odometer")], headers: [app.basic])
            #expect(reply.status == 200)
        }
    }

    @Test func scopeBeyondTheApplicationsPermissionsIsInvalidScope() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(permissions: ["read_vehicle_info"])
            let reply = try await server.token([("grant_type", "client_credentials"), ("scope", "control_security")], headers: [app.basic])
            expectOAuthError(reply, status: 400, error: "invalid_scope")
        }
    }

    @Test func publicClientMayNotUseClientCredentials() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(isPublic: true)
            let reply = try await server.token([("grant_type", "client_credentials"), ("client_id", app.id)])
            expectOAuthError(reply, status: 400, error: "unauthorized_client")
        }
    }

    @Test func unknownGrantTypeIsUnsupportedGrantType() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.token([("grant_type", "password")], headers: [app.basic]), status: 400, error: "unsupported_grant_type")
        }
    }

    @Test func missingGrantTypeIsInvalidRequest() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.token([("code", UUID().uuidString)], headers: [app.basic]), status: 400, error: "invalid_request")
        }
    }
}
