import Foundation
import KeyfobClient
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

/// The SDK against a live Keyfob on loopback: the whole flow, every error type, the grace window.
@Suite("KeyfobClient against Keyfob")
struct AuthClientInteropTests {
    func client(_ server: TestServer, _ app: Fixtures.App, secret: String? = nil) -> AuthClient {
        AuthClient(
            clientID: app.id,
            clientSecret: secret ?? app.secret,
            redirectURI: Fixtures.redirectURI,
            mode: .test,
            origins: .keyfob(server.baseURL)
        )
    }

    /// Walks Connect from the SDK's own URL and returns the code.
    func code(_ server: TestServer, _ url: URL) async throws -> String {
        let browser = ConnectBrowser(baseURL: server.baseURL)
        let login = try await browser.get(url.absoluteString)
        _ = try await browser.post("/oauth/login", [("csrf", login.inputValue("csrf") ?? ""), ("email", "sdk@example.com"), ("password", "x")])
        let grant = try await browser.get("/oauth/grant")
        let vehicles = grant.vehicleChoices.map { ($0, "on") }
        let done = try await browser.post(
            "/oauth/grant",
            [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow")] + vehicles + [("permission_read_vehicle_info", "on")]
        )
        return try #require(done.redirectParameters["code"])
    }

    @Test func fullFlowFromConnectURLToDisconnect() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let sdk = client(server, app)
            let pkce = PKCEPair.generate()
            let url = sdk.authorizationURL(
                scope: ["read_vehicle_info", "read_odometer"],
                options: ConnectOptions(state: "s", codeChallenge: pkce.challenge)
            )
            let access = try await sdk.exchangeCode(try await code(server, url), codeVerifier: pkce.verifier)
            #expect(access.refreshToken != nil && !access.isExpired())
            #expect(abs(access.expiration.timeIntervalSinceNow - 7200) < 60)

            let user = try await sdk.api.user(accessToken: access.accessToken)
            #expect(UUID(uuidString: user) != nil)
            let page = try await sdk.api.vehicles(accessToken: access.accessToken, limit: 2)
            #expect(page.paging.count == 3 && page.vehicles.count == 2)
            let vehicle = try await sdk.api.vehicle(id: page.vehicles[0], accessToken: access.accessToken)
            #expect(vehicle.id == page.vehicles[0] && vehicle.year > 2000)

            let refreshed = try await sdk.exchangeRefreshToken(access.refreshToken!)
            #expect(refreshed.accessToken != access.accessToken)
            try await sdk.api.disconnect(vehicleID: page.vehicles[0], accessToken: refreshed.accessToken)
            #expect(try await sdk.api.vehicles(accessToken: refreshed.accessToken).paging.count == 2)
        }
    }

    @Test func refreshRetryInsideTheGraceWindowGivesTheSamePair() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let sdk = client(server, app)
            let access = try await sdk.exchangeCode(try await server.fixtures.code(for: app))
            let first = try await sdk.exchangeRefreshToken(access.refreshToken!)
            let retry = try await sdk.exchangeRefreshToken(access.refreshToken!)
            #expect(first.accessToken == retry.accessToken && first.refreshToken == retry.refreshToken)
        }
    }

    @Test func applicationTokenHasNoRefreshToken() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let token = try await client(server, app).applicationToken(scope: ["read_vehicle_info"])
            #expect(token.refreshToken == nil && token.isRefreshExpired())
        }
    }

    @Test func tokenEndpointRefusalsSurfaceAsOAuthErrors() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            await #expect(throws: KeyfobClientError.self) { _ = try await client(server, app).exchangeCode(UUID().uuidString.lowercased()) }
            do {
                _ = try await client(server, app).exchangeCode(UUID().uuidString.lowercased())
            } catch let KeyfobClientError.oauth(failure) {
                #expect(failure.statusCode == 400 && failure.code == "invalid_grant" && !failure.description.isEmpty)
            }
            do {
                _ = try await client(server, app, secret: "wrong").applicationToken()
                Issue.record("expected invalid_client")
            } catch let KeyfobClientError.oauth(failure) {
                #expect(failure.statusCode == 401 && failure.code == "invalid_client")
            }
        }
    }

    @Test func apiRefusalsSurfaceWithEveryV2Field() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            do {
                _ = try await client(server, app).api.user(accessToken: UUID().uuidString.lowercased())
                Issue.record("expected AUTHENTICATION")
            } catch let KeyfobClientError.api(failure) {
                #expect(failure.type == "AUTHENTICATION" && failure.statusCode == 401)
                #expect(failure.code == nil && failure.resolutionType == nil)
                #expect(!failure.description.isEmpty && failure.docURL.hasPrefix("https://"))
                #expect(UUID(uuidString: failure.requestID) != nil)
            }
        }
    }

    @Test func storeUnavailableCarriesRetryAfter() async throws {
        try await TestServer.with(busyTimeout: 0.2) { server in
            let app = try await server.fixtures.app()
            let lock = try WriteLock(path: try #require(server.sqliteFile).path)
            defer { try? lock.release() }
            do {
                _ = try await client(server, app).applicationToken()
                Issue.record("expected temporarily_unavailable")
            } catch let KeyfobClientError.oauth(failure) {
                #expect(failure.code == "temporarily_unavailable" && failure.retryAfter == 1)
            }
        }
    }

    @Test func noServerIsATransportErrorNotAServerAnswer() async throws {
        let sdk = AuthClient(
            clientID: "c",
            clientSecret: "s",
            redirectURI: "https://a/cb",
            origins: .keyfob("http://127.0.0.1:9"),
            timeout: .seconds(5)
        )
        do {
            _ = try await sdk.applicationToken()
            Issue.record("expected a transport error")
        } catch let error as KeyfobClientError {
            guard case .transport = error else {
                Issue.record("got \(error)")
                return
            }
        }
    }
}
