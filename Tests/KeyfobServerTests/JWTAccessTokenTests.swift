import Foundation
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// JWT access tokens (RFC 9068) over real HTTP: an app registered for them gets a signed
/// `at+jwt` whose `jti` is the stored token, checked at Keyfob's own endpoints by signature and
/// record, so revocation still holds; the JWKS publishes the keys, rotated without a restart.
// One test at a time: the PostgreSQL cases each open their own database (see DeviceGrantTests).
@Suite("JWT access tokens", .serialized)
struct JWTAccessTokenTests {
    @Test(arguments: StoreBackend.deviceSuite)
    func aJWTAppGetsASignedTokenThatKeyfobChecksAndRevokes(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend, configure: TestServer.withKeyEncryptionKey) { server in
            let key = try await server.addSigningKey()
            let app = try await server.fixtures.app(accessTokenFormat: .jwt)
            let (codes, grant, _) = try await server.fixtures.codes(for: app)
            let issued = try await server.exchange(codes[0], app: app)
            #expect(issued.status == 200 && issued["token_type"] == "Bearer", "\(issued.text)")
            let access = try #require(issued["access_token"])
            let jwt = try #require(DecodedJWT(access))
            #expect(jwt.header["typ"] as? String == "at+jwt" && jwt.header["alg"] as? String == "ES256")
            #expect(jwt.header["kid"] as? String == key.kid)
            #expect(jwt.claims["iss"] as? String == server.baseURL)
            #expect(jwt.claims["aud"] as? String == server.baseURL + "/v2.0")
            #expect(jwt.claims["sub"] as? String == grant.ownerID.uuidString.lowercased())
            #expect(jwt.claims["client_id"] as? String == app.id)
            #expect(jwt.claims["scope"] as? String == "read_vehicle_info read_odometer")
            let now = Int(server.clock.now.timeIntervalSince1970)
            #expect(jwt.claims["iat"] as? Int == now && jwt.claims["exp"] as? Int == now + 7200)
            #expect(TokenText.isWellFormed(jwt.claims["jti"] as? String ?? ""))
            #expect(jwt.claims["cnf"] == nil)

            #expect(try await server.api("/vehicles", token: access).status == 200)
            let introspected = try await server.token([("token", access)], headers: [app.basic], path: "/oauth/introspect")
            #expect(introspected.json["active"] as? Bool == true && introspected["sub"] == grant.ownerID.uuidString.lowercased())

            // A changed payload, or a key never published, opens nothing.
            var widened = jwt.claims
            widened["scope"] = "control_security"
            #expect(try await server.api("/vehicles", token: jwt.replacingClaims(widened)).status == 401)
            let forged = try await TestServer.with(configure: TestServer.withKeyEncryptionKey) { other in
                try await other.addSigningKey()
                let otherApp = try await other.fixtures.app(accessTokenFormat: .jwt)
                return try #require(try await other.exchange(try await other.fixtures.code(for: otherApp), app: otherApp)["access_token"])
            }
            #expect(try await server.api("/vehicles", token: forged).status == 401)

            // Refreshed: a new JWT; revoked: gone at every Keyfob endpoint at once.
            let refreshed = try await server.refresh(try #require(issued["refresh_token"]), app: app)
            let successor = try #require(refreshed["access_token"])
            #expect(DecodedJWT(successor)?.header["typ"] as? String == "at+jwt")
            #expect(try await server.token([("token", successor)], headers: [app.basic], path: "/oauth/revoke").status == 200)
            expectV2Error(try await server.api("/vehicles", token: successor), status: 401, type: "AUTHENTICATION")
            let afterRevoke = try await server.token([("token", successor)], headers: [app.basic], path: "/oauth/introspect")
            #expect(afterRevoke.json["active"] as? Bool == false)

            // Expired: refused by its record, whatever an offline check would say.
            server.clock.advance(by: 7201)
            #expect(try await server.api("/vehicles", token: access).status == 401)
        }
    }

    @Test func theJWKSPublishesTheKeysAndARotationReachesARunningServer() async throws {
        try await TestServer.with(configure: TestServer.withKeyEncryptionKey) { server in
            let empty = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/jwks.json")
            #expect(empty.status == 200 && (empty.json["keys"] as? [Any])?.isEmpty == true)
            let metadata = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server")
            #expect(metadata["jwks_uri"] == server.baseURL + "/.well-known/jwks.json")

            // No key yet: a JWT app is told so, and its code is not spent.
            let app = try await server.fixtures.app(accessTokenFormat: .jwt)
            let code = try await server.fixtures.code(for: app)
            expectOAuthError(try await server.exchange(code, app: app), status: 400, error: "unauthorized_client")
            let first = try await server.addSigningKey()
            let issued = try await server.exchange(code, app: app)
            #expect(issued.status == 200, "\(issued.text)")
            let firstToken = try #require(issued["access_token"])

            let second = try await server.addSigningKey()
            let jwks = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/jwks.json")
            #expect(jwks.header("Cache-Control") == "public, max-age=300")
            let kids = (jwks.json["keys"] as? [[String: String]] ?? []).map { $0["kid"] }
            #expect(kids == [second.kid, first.kid])
            let published = try #require((jwks.json["keys"] as? [[String: String]])?.first)
            #expect(published["kty"] == "EC" && published["crv"] == "P-256" && published["alg"] == "ES256" && published["d"] == nil)
            // New tokens are signed with the new key; the old one's still verify.
            let next = try await server.freshPair(app)
            #expect(DecodedJWT(try #require(next["access_token"]))?.header["kid"] as? String == second.kid)
            #expect(try await server.api("/vehicles", token: firstToken).status == 200)

            // Once every token the first key signed has expired, it is no longer published.
            server.clock.advance(by: 7200)
            let later = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/jwks.json")
            #expect((later.json["keys"] as? [[String: String]] ?? []).map { $0["kid"] } == [second.kid])
        }
    }

    @Test func aDPoPBoundJWTCarriesItsKeyAndAServerThatCannotOpenItsKeysDoesNotStart() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open()
        try await TestServer.serving(store, configure: TestServer.withKeyEncryptionKey) { server in
            try await server.addSigningKey()
            let app = try await server.fixtures.app(accessTokenFormat: .jwt)
            let dpopKey = TestDPoPKey()
            let issued = try await server.exchange(try await server.fixtures.code(for: app), app: app, key: dpopKey)
            #expect(issued["token_type"] == "DPoP")
            let access = try #require(issued["access_token"])
            #expect((DecodedJWT(access)?.claims["cnf"] as? [String: String])?["jkt"] == dpopKey.thumbprint)
            #expect(try await server.api("/vehicles", token: access, key: dpopKey).status == 200)
            #expect(try await server.api("/vehicles", token: access).status == 401)
        }
        // The same database without its key encryption key, or with another: start-up fails.
        for kek in [nil, KeyEncryptionKey.random().key] {
            var configuration = KeyfobConfiguration()
            configuration.port = 0
            configuration.keyEncryptionKey = kek
            await #expect(throws: SigningKeyRing.Unusable.self) {
                _ = try await buildApplication(configuration: configuration, store: store)
            }
        }
    }
}
