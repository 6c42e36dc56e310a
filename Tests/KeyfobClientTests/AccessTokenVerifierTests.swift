import Foundation
import KeyfobClient
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `AccessTokenVerifier` against a live Keyfob's JWKS: what a resource server can check offline.
@Suite("KeyfobClient AccessTokenVerifier")
struct AccessTokenVerifierTests {
    @Test func aKeyfobJWTVerifiesOfflineAndForgeriesDoNot() async throws {
        try await TestServer.with(configure: TestServer.withKeyEncryptionKey) { server in
            try await server.addSigningKey()
            let app = try await server.fixtures.app(accessTokenFormat: .jwt)
            let (codes, grant, _) = try await server.fixtures.codes(for: app)
            let access = try #require(try await server.exchange(codes[0], app: app)["access_token"])
            // No pause between fetches, so the test needs no wait for the rotation below.
            let verifier = AccessTokenVerifier(issuer: server.baseURL, refetchInterval: 0)
            let now = server.clock.now
            let claims = try await verifier.verify(access, at: now)
            #expect(claims.subject == grant.ownerID.uuidString.lowercased() && claims.clientID == app.id)
            #expect(claims.scope == ["read_vehicle_info", "read_odometer"] && claims.keyThumbprint == nil)

            let jwt = try #require(DecodedJWT(access))
            var widened = jwt.claims
            widened["scope"] = "control_security"
            await #expect(throws: AccessTokenVerifier.Rejection.self) { _ = try await verifier.verify(jwt.replacingClaims(widened), at: now) }
            await #expect(throws: AccessTokenVerifier.Rejection.self) { _ = try await verifier.verify(access, at: now + 7200 + 31) }
            let otherAudience = AccessTokenVerifier(issuer: server.baseURL, audience: "https://api.elsewhere.example")
            await #expect(throws: AccessTokenVerifier.Rejection.self) { _ = try await otherAudience.verify(access, at: now) }
            await #expect(throws: AccessTokenVerifier.Rejection.self) { _ = try await verifier.verify("not.a.token", at: now) }

            // After a rotation the verifier meets an unknown kid, fetches the set again, and verifies.
            let rotated = try await server.addSigningKey()
            let next = try #require(try await server.freshPair(app)["access_token"])
            #expect(DecodedJWT(next)?.header["kid"] as? String == rotated.kid)
            #expect(try await verifier.verify(next, at: server.clock.now).clientID == app.id)
        }
    }
}
