import Foundation
import KeyfobClient
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// `AuthClient(dpopKey:)` against a live Keyfob: its tokens come back bound to the key, its API
/// calls prove the key, and it answers a server's nonce request by itself.
@Suite("KeyfobClient DPoP")
struct DPoPClientInteropTests {
    static func withNonces(_ configuration: inout KeyfobConfiguration) { configuration.dpopNonces = true }

    @Test(arguments: [false, true])
    func theSDKsTokensAreBoundAndItsCallsProveTheKey(nonces: Bool) async throws {
        try await TestServer.with(configure: nonces ? Self.withNonces : { _ in }) { server in
            let app = try await server.fixtures.app(requiresDPoP: true)
            let key = DPoPKey()
            let sdk = AuthClient(
                clientID: app.id,
                clientSecret: app.secret,
                redirectURI: Fixtures.redirectURI,
                mode: .test,
                origins: .keyfob(server.baseURL),
                dpopKey: key
            )
            // The SDK's proofs carry the real time: the server's manual clock is brought up to it
            // before each call (a loaded test run can take longer than a proof's window).
            let code = try await server.fixtures.code(for: app)
            server.clock.catchUp()
            let access = try await sdk.exchangeCode(code)
            #expect(access.tokenType == "DPoP")
            let introspected = try await server.token([("token", access.accessToken)], headers: [app.basic], path: "/oauth/introspect")
            #expect((introspected.json["cnf"] as? [String: String])?["jkt"] == key.thumbprint)
            server.clock.catchUp()
            #expect(try await sdk.api.user(accessToken: access.accessToken).isEmpty == false)
            // The same token without the key: refused.
            let keyless = VehicleAPIClient(origin: server.baseURL)
            await #expect(throws: KeyfobClientError.self) { _ = try await keyless.user(accessToken: access.accessToken) }
            server.clock.catchUp()
            let refreshed = try await sdk.exchangeRefreshToken(try #require(access.refreshToken))
            #expect(refreshed.tokenType == "DPoP")
            server.clock.catchUp()
            #expect(try await sdk.api.vehicles(accessToken: refreshed.accessToken).vehicles.isEmpty == false)
        }
    }
}

extension ManualWallClock {
    /// Moves the clock up to the real time, if it is behind.
    func catchUp() { advance(by: max(0, Date().timeIntervalSince(now))) }
}
