import Foundation
import KeyfobTestSupport
import Testing

/// RFC 8414 metadata lists what is really supported.
@Suite("discovery")
struct DiscoveryTests {
    @Test func metadataListsTheTokenEndpointAndItsGrants() async throws {
        try await TestServer.with { server in
            let reply = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server")
            #expect(reply.status == 200)
            #expect(reply["issuer"] == server.baseURL)
            #expect(reply["token_endpoint"] == server.baseURL + "/oauth/token")
            #expect(reply["authorization_endpoint"] == server.baseURL + "/oauth/authorize")
            #expect(reply["revocation_endpoint"] == server.baseURL + "/oauth/revoke")
            #expect(reply["introspection_endpoint"] == server.baseURL + "/oauth/introspect")
            #expect(reply.json["response_types_supported"] as? [String] == ["code"])
            #expect(
                Set(reply.json["grant_types_supported"] as? [String] ?? [])
                    == ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"]
            )
            #expect(reply["device_authorization_endpoint"] == server.baseURL + "/oauth/device_authorization")
            #expect(reply["pushed_authorization_request_endpoint"] == server.baseURL + "/oauth/par")
            #expect(reply.json["require_pushed_authorization_requests"] as? Bool == false)
            #expect(reply.json["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(
                Set(reply.json["token_endpoint_auth_methods_supported"] as? [String] ?? []) == ["client_secret_basic", "client_secret_post", "none"]
            )
            #expect(reply.header("sc-request-id") != nil)
        }
    }

    @Test func unknownPathIs404WithARequestID() async throws {
        try await TestServer.with { server in
            let reply = try await TestHTTP.send(.GET, server.baseURL + "/nope")
            #expect(reply.status == 404)
            #expect(reply.header("sc-request-id") != nil)
        }
    }
}
