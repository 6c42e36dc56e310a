import Foundation
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// `KeyfobConfiguration.grants` is where a grant type is added; a type named twice is refused at
/// start-up instead of one of the two never answering.
@Suite("grant seams")
struct GrantSeamTests {
    /// A grant of the embedder's own: an application token for a client that proves nothing more
    /// than its credentials, under another grant type name.
    struct DeviceCheckGrant: TokenGrant {
        let grantType = "urn:example:device-check"
        /// Taken at `init`, as every grant takes the stores it needs.
        let tokens: any TokenStore

        func respond(to request: TokenRequest, for client: ClientApplication, in context: GrantContext) async throws -> TokenResponse {
            let serial = try request.required("serial")
            guard serial.hasPrefix("SN-") else { throw OAuthError.invalidGrant("Unknown serial.") }
            let token = TokenText.random(using: context.random)
            try await tokens.insertAccessToken(
                AccessToken(
                    digest: .of(token),
                    consentID: nil,
                    applicationID: client.id,
                    scope: ["read_odometer"],
                    expiresAt: context.clock.now + 60
                ),
                for: client.clientVersion
            )
            return TokenResponse(accessToken: token, expiresIn: 60, refreshToken: nil, scope: "read_odometer")
        }
    }

    @Test func aConfiguredGrantIsServedBesideTheStandardOnes() async throws {
        let withTheGrant: @Sendable (inout KeyfobConfiguration) -> Void = {
            $0.grants = { store in TokenEndpoint.standardGrants(tokens: store) + [DeviceCheckGrant(tokens: store)] }
        }
        try await TestServer.with(configure: withTheGrant) { server in
            let app = try await server.fixtures.app()
            let issued = try await server.token([("grant_type", "urn:example:device-check"), ("serial", "SN-1")], headers: [app.basic])
            #expect(issued.status == 200 && issued.json["expires_in"] as? Int == 60)
            let introspected = try await server.token([("token", issued["access_token"]!)], headers: [app.basic], path: "/oauth/introspect")
            #expect(introspected.json["active"] as? Bool == true && introspected["scope"] == "read_odometer")
            expectOAuthError(
                try await server.token([("grant_type", "urn:example:device-check"), ("serial", "X")], headers: [app.basic]),
                status: 400,
                error: "invalid_grant"
            )
            // The metadata lists it too.
            let metadata = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server")
            #expect((metadata.json["grant_types_supported"] as? [String])?.contains("urn:example:device-check") == true)
            expectTokenPair(try await server.freshPair(app))
        }
    }

    @Test func aGrantTypeConfiguredTwiceIsAStartUpError() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        var configuration = KeyfobConfiguration()
        configuration.port = 0
        configuration.grants = { store in TokenEndpoint.standardGrants(tokens: store) + [RefreshTokenGrant(tokens: store)] }
        await #expect(throws: DuplicateGrantTypeError(grantType: "refresh_token")) {
            _ = try await buildApplication(configuration: configuration, store: store)
        }
    }
}
