import Foundation
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// DPoP (RFC 9449) over real HTTP: a proof at the token endpoint binds the tokens to the client's
/// key; the API then takes them only as `DPoP` tokens with a fresh proof of that key.
// One test at a time: the PostgreSQL cases each open their own database (see DeviceGrantTests).
@Suite("DPoP", .serialized)
struct DPoPTests {
    @Test(arguments: StoreBackend.deviceSuite)
    func aProofBindsThePairAndTheAPIThenWantsTheKey(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app()
            let key = TestDPoPKey()
            let issued = try await server.exchange(try await server.fixtures.code(for: app), app: app, key: key)
            #expect(issued.status == 200, "\(issued.text)")
            #expect(issued["token_type"] == "DPoP")
            let access = try #require(issued["access_token"])

            let introspected = try await server.token([("token", access)], headers: [app.basic], path: "/oauth/introspect")
            #expect(introspected["token_type"] == "DPoP")
            #expect((introspected.json["cnf"] as? [String: String])?["jkt"] == key.thumbprint)

            // As a Bearer token it is worthless: a DPoP challenge names what is missing.
            let asBearer = try await server.api("/vehicles", token: access)
            expectV2Error(asBearer, status: 401, type: "AUTHENTICATION")
            #expect(asBearer.header("WWW-Authenticate")?.hasPrefix("DPoP ") == true)
            #expect(asBearer.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
            #expect(asBearer.header("WWW-Authenticate")?.contains("algs=\"ES256 EdDSA\"") == true)
            let noProof = try await server.api("/vehicles", token: access, scheme: "DPoP", proofs: [])
            #expect(noProof.status == 401 && noProof.header("WWW-Authenticate")?.contains("invalid_dpop_proof") == true)

            let url = server.baseURL + "/v2.0/vehicles"
            let proof = key.proof("GET", url, at: server.clock.now, accessToken: access)
            #expect(try await server.api("/vehicles", token: access, scheme: "DPoP", proofs: [proof]).status == 200)
            // The same proof twice is a replay.
            let replayed = try await server.api("/vehicles", token: access, scheme: "DPoP", proofs: [proof])
            #expect(replayed.status == 401 && replayed.text.contains("used before"), "\(replayed.text)")
            let refusedProofs = [
                ("another key", TestDPoPKey().proof("GET", url, at: server.clock.now, accessToken: access)),
                ("no ath", key.proof("GET", url, at: server.clock.now)),
                ("another token's ath", key.proof("GET", url, at: server.clock.now, accessToken: UUID().uuidString.lowercased())),
                ("another URL", key.proof("GET", server.baseURL + "/v2.0/user", at: server.clock.now, accessToken: access)),
                ("another method", key.proof("POST", url, at: server.clock.now, accessToken: access)),
            ]
            for (name, refused) in refusedProofs {
                let reply = try await server.api("/vehicles", token: access, scheme: "DPoP", proofs: [refused])
                #expect(reply.status == 401 && reply.header("WWW-Authenticate")?.contains("invalid_dpop_proof") == true, "\(name): \(reply.text)")
            }

            // A confidential client's refresh token is not bound: a refresh with a proof binds
            // the new access token; one without issues a bearer token.
            let refreshToken = try #require(issued["refresh_token"])
            let refreshed = try await server.token(
                [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
                app: app,
                proof: key.proof(server.tokenURL, at: server.clock.now)
            )
            #expect(refreshed.status == 200 && refreshed["token_type"] == "DPoP", "\(refreshed.text)")
            #expect(try await server.api("/vehicles", token: try #require(refreshed["access_token"]), key: key).status == 200)
            let plain = try await server.refresh(try #require(refreshed["refresh_token"]), app: app)
            #expect(plain["token_type"] == "Bearer")
            let bearerToken = try #require(plain["access_token"])
            #expect(try await server.api("/vehicles", token: bearerToken).status == 200)
            // A bearer token presented as DPoP is refused.
            let bearerAsDPoP = try await server.api("/vehicles", token: bearerToken, key: key)
            #expect(bearerAsDPoP.status == 401)
        }
    }

    @Test(arguments: StoreBackend.deviceSuite)
    func aPublicClientsRefreshTokenIsBoundToItsKeyAndNothingIsSpentWithoutIt(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.fixtures.app(isPublic: true)
            let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            let code = try await server.fixtures.code(for: app, codeChallenge: PKCE.challenge(for: verifier))
            let key = TestDPoPKey(.ed25519)
            let issued = try await server.exchange(code, app: app, key: key, extra: [("code_verifier", verifier)])
            #expect(issued["token_type"] == "DPoP", "\(issued.text)")
            let refreshToken = try #require(issued["refresh_token"])
            let refresh = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]

            expectOAuthError(try await server.token(refresh, app: app, proof: nil), status: 400, error: "invalid_dpop_proof")
            expectOAuthError(
                try await server.token(refresh, app: app, proof: TestDPoPKey().proof(server.tokenURL, at: server.clock.now)),
                status: 400,
                error: "invalid_dpop_proof"
            )
            // Those spent nothing: with its key, the token rotates, and its successor is bound too.
            let rotated = try await server.token(refresh, app: app, proof: key.proof(server.tokenURL, at: server.clock.now))
            #expect(rotated.status == 200 && rotated["token_type"] == "DPoP", "\(rotated.text)")
            let successor = [("grant_type", "refresh_token"), ("refresh_token", try #require(rotated["refresh_token"]))]
            expectOAuthError(try await server.token(successor, app: app, proof: nil), status: 400, error: "invalid_dpop_proof")
            #expect(try await server.api("/vehicles", token: try #require(rotated["access_token"]), key: key).status == 200)
        }
    }

    @Test func badProofsAreRefusedAndSpendNothing() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let key = TestDPoPKey()
            let now = server.clock.now
            let url = server.tokenURL
            let exchange = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI)]
            var withPrivateKey = key.jwk
            withPrivateKey["d"] = TestDPoPKey.base64URL(Data(repeating: 7, count: 32))
            let good = key.proof(url, at: now)
            let parts = good.split(separator: ".").map(String.init)
            let tamperedClaims = TestDPoPKey.base64URL(
                try JSONSerialization.data(withJSONObject: ["jti": "x", "htm": "POST", "htu": url, "iat": Int(now.timeIntervalSince1970) + 1])
            )
            let refused: [(String, String)] = [
                ("alg none", key.proof(url, at: now, header: ["alg": "none"])),
                ("HMAC", key.proof(url, at: now, header: ["alg": "HS256"])),
                ("private key in jwk", key.proof(url, at: now, header: ["jwk": withPrivateKey])),
                ("no jwk", key.proof(url, at: now, header: ["jwk": NSNull()])),
                ("jwk of another kind", key.proof(url, at: now, header: ["jwk": ["kty": "OKP", "crv": "Ed25519", "x": key.jwk["x"]!]])),
                (
                    "point off the curve",
                    key.proof(url, at: now, header: ["jwk": ["kty": "EC", "crv": "P-256", "x": key.jwk["x"]!, "y": key.jwk["x"]!]])
                ),
                ("typ jwt", key.proof(url, at: now, header: ["typ": "JWT"])),
                ("not a JWS", "not.a.proof"),
                ("two parts", parts[0] + "." + parts[1]),
                ("claims changed after signing", parts[0] + "." + tamperedClaims + "." + parts[2]),
                ("htm GET", key.proof("GET", url, at: now)),
                ("another URL", key.proof(server.baseURL + "/oauth/revoke", at: now)),
                ("another host", key.proof("https://evil.example/oauth/token", at: now)),
                ("61 s old", key.proof(url, at: now - 61)),
                ("31 s ahead", key.proof(url, at: now + 31)),
                ("no jti", key.proof(url, at: now, claims: ["jti": NSNull()])),
                ("no iat", key.proof(url, at: now, claims: ["iat": NSNull()])),
                ("jti of 300 bytes", key.proof(url, at: now, jti: String(repeating: "j", count: 300))),
                ("a 9 KB proof", key.proof(url, at: now, claims: ["padding": String(repeating: "p", count: 9_000)])),
            ]
            for (name, proof) in refused {
                let reply = try await server.token(exchange, app: app, proof: proof)
                expectOAuthError(reply, status: 400, error: "invalid_dpop_proof")
                #expect(reply.status == 400, "\(name): \(reply.status) \(reply.text)")
            }
            // A 100 KB header is refused by the HTTP layer before any handler reads it (sent raw:
            // the server answers and closes while the client is still writing).
            let huge = try await RawConnection.exchange(
                port: server.port,
                from: "127.0.0.1",
                method: "POST",
                path: "/oauth/token",
                headers: [
                    app.basic, ("User-Agent", "test"), ("Content-Type", "application/x-www-form-urlencoded"),
                    ("DPoP", key.proof(url, at: now, claims: ["padding": String(repeating: "p", count: 100_000)])),
                ],
                body: TestHTTP.formEncode(exchange)
            )
            #expect(huge.hasPrefix("HTTP/1.1 431") || huge.hasPrefix("HTTP/1.1 400"), "\(huge.prefix(200))")
            let twoHeaders = try await server.token(
                exchange,
                headers: [app.basic, ("DPoP", key.proof(url, at: now)), ("DPoP", key.proof(url, at: now))]
            )
            expectOAuthError(twoHeaders, status: 400, error: "invalid_dpop_proof")

            // None of those spent the code; a good proof does, once.
            let issued = try await server.token(exchange, app: app, proof: good)
            #expect(issued.status == 200 && issued["token_type"] == "DPoP", "\(issued.text)")
            // The same proof again is a replay, refused before the code is even looked at.
            expectOAuthError(try await server.token(exchange, app: app, proof: good), status: 400, error: "invalid_dpop_proof")
            // A proof 50 s old and one 20 s ahead are inside the window.
            for offset in [-50.0, 20] {
                let other = try await server.fixtures.code(for: app)
                let reply = try await server.token(
                    [("grant_type", "authorization_code"), ("code", other), ("redirect_uri", Fixtures.redirectURI)],
                    app: app,
                    proof: key.proof(url, at: now + offset)
                )
                #expect(reply.status == 200, "\(offset): \(reply.text)")
            }
            // The recorded proofs are cleaned up once too old to be accepted anyway.
            #expect(try await server.store.deleteExpired(before: now + 3600) >= 1)
        }
    }

    @Test func anAppThatRequiresDPoPGetsNoBearerTokenAndMetadataSaysWhatIsSupported() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(requiresDPoP: true)
            expectOAuthError(
                try await server.token([("grant_type", "client_credentials")], app: app, proof: nil),
                status: 400,
                error: "invalid_dpop_proof"
            )
            let key = TestDPoPKey(.ed25519)
            let issued = try await server.token(
                [("grant_type", "client_credentials")],
                app: app,
                proof: key.proof(server.tokenURL, at: server.clock.now)
            )
            #expect(issued.status == 200 && issued["token_type"] == "DPoP", "\(issued.text)")
            #expect(issued["refresh_token"] == nil)
            let access = try #require(issued["access_token"])
            let introspected = try await server.token([("token", access)], headers: [app.basic], path: "/oauth/introspect")
            #expect((introspected.json["cnf"] as? [String: String])?["jkt"] == key.thumbprint)

            let metadata = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server")
            #expect(metadata.json["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA"])
        }
    }

    static func withNonces(_ configuration: inout KeyfobConfiguration) { configuration.dpopNonces = true }

    @Test func serverNoncesAreAskedForAndCheckedWhenTurnedOn() async throws {
        try await TestServer.with(configure: Self.withNonces) { server in
            let app = try await server.fixtures.app()
            let key = TestDPoPKey()
            let grant = [("grant_type", "client_credentials")]
            let withoutNonce = try await server.token(grant, app: app, proof: key.proof(server.tokenURL, at: server.clock.now))
            expectOAuthError(withoutNonce, status: 400, error: "use_dpop_nonce")
            let nonce = try #require(withoutNonce.header("DPoP-Nonce"))
            let wrongNonce = try await server.token(grant, app: app, proof: key.proof(server.tokenURL, at: server.clock.now, nonce: "made-up"))
            expectOAuthError(wrongNonce, status: 400, error: "use_dpop_nonce")

            let exchange = [
                ("grant_type", "authorization_code"), ("code", try await server.fixtures.code(for: app)), ("redirect_uri", Fixtures.redirectURI),
            ]
            let issued = try await server.token(exchange, app: app, proof: key.proof(server.tokenURL, at: server.clock.now, nonce: nonce))
            #expect(issued.status == 200, "\(issued.text)")
            #expect(issued.header("DPoP-Nonce") != nil)
            let access = try #require(issued["access_token"])
            let url = server.baseURL + "/v2.0/vehicles"
            let apiWithout = try await server.api(
                "/vehicles",
                token: access,
                scheme: "DPoP",
                proofs: [key.proof("GET", url, at: server.clock.now, accessToken: access)]
            )
            #expect(apiWithout.status == 401 && apiWithout.header("WWW-Authenticate")?.contains("use_dpop_nonce") == true)
            #expect(apiWithout.header("DPoP-Nonce") == nonce)
            let apiWith = try await server.api(
                "/vehicles",
                token: access,
                scheme: "DPoP",
                proofs: [key.proof("GET", url, at: server.clock.now, accessToken: access, nonce: nonce)]
            )
            #expect(apiWith.status == 200, "\(apiWith.text)")

            // A nonce is good for its five-minute window and the next, not after.
            server.clock.advance(by: 601)
            let stale = try await server.token(grant, app: app, proof: key.proof(server.tokenURL, at: server.clock.now, nonce: nonce))
            expectOAuthError(stale, status: 400, error: "use_dpop_nonce")
            #expect(stale.header("DPoP-Nonce") != nonce)
        }
    }

    static let sharedOrigin = "https://auth.example"
    static func behindOneOrigin(_ configuration: inout KeyfobConfiguration) { configuration.baseURL = sharedOrigin }

    @Test func aProofReplayedToAnotherInstanceIsCaught() async throws {
        // Behind one public origin, as behind a load balancer: a proof names that origin.
        let origin = Self.sharedOrigin
        try await TestServer.twoInstancesOnOnePostgres(configure: Self.behindOneOrigin) { first, second in
            let app = try await first.fixtures.app()
            let key = TestDPoPKey()
            for _ in 0..<3 {
                let proof = key.proof(origin + "/oauth/token", at: first.clock.now)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<8 {
                        let server = index.isMultiple(of: 2) ? first : second
                        group.addTask { try await server.token([("grant_type", "client_credentials")], app: app, proof: proof).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == 400 }.count == 7, "\(statuses)")
            }
        }
    }
}
