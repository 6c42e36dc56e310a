import Foundation
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import Testing

/// The device authorization grant (RFC 8628) over real HTTP on every backend: the device asks,
/// the owner approves on the verification pages, the device polls and gets its pair once.
// One test at a time: each PostgreSQL case opens its own database, and run beside the rest of
// the suite all at once they pushed the machine's PostgreSQL tests past their deadlines.
@Suite("device grant", .serialized)
struct DeviceGrantTests {
    @Test(arguments: StoreBackend.deviceSuite)
    func theOwnerApprovesAndTheDeviceGetsItsPairOnce(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.deviceApp()
            let asked = try await server.deviceAuthorization(app, [("mode", "test"), ("scope", "required:read_odometer read_vin")])
            #expect(asked.status == 200, "\(asked.text)")
            #expect(asked.header("Cache-Control") == "no-store")
            let deviceCode = try #require(asked["device_code"])
            let userCode = try #require(asked["user_code"])
            #expect(userCode.wholeMatch(of: /[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}/) != nil)
            #expect(asked["verification_uri"] == server.baseURL + "/oauth/device")
            #expect(asked["verification_uri_complete"] == server.baseURL + "/oauth/device?user_code=" + userCode)
            #expect(asked.json["expires_in"] as? Int == 600 && asked.json["interval"] as? Int == 5)

            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "authorization_pending")
            // At once again: too fast, and the interval grows by 5 s each time.
            let tooFast = try await server.pollDevice(deviceCode, app: app)
            expectOAuthError(tooFast, status: 400, error: "slow_down")
            #expect(tooFast["error_description"]?.contains("10 seconds") == true)
            server.clock.advance(by: 5)
            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "slow_down")
            server.clock.advance(by: 15)
            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "authorization_pending")

            // The page pre-fills the code from verification_uri_complete.
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let prefilled = try await browser.get(try #require(asked["verification_uri_complete"]))
            #expect(prefilled.status == 200 && prefilled.text.contains("value=\"\(userCode)\""))
            #expect(prefilled.header("X-Frame-Options") == "DENY" && prefilled.header("Referrer-Policy") == "no-referrer")
            #expect(prefilled.header("Set-Cookie")?.contains("HttpOnly; SameSite=Strict") == true)

            let done = try await server.approveDevice(userCode: userCode)
            #expect(done.status == 200 && done.text.contains("You can return to your car"), "\(done.text)")

            server.clock.advance(by: 15)
            let issued = try await server.pollDevice(deviceCode, app: app)
            expectTokenPair(issued)
            #expect(issued["scope"] == "read_odometer read_vin")
            // Once: the second poll is refused, and the pair stays good.
            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "invalid_grant")
            let access = try #require(issued["access_token"])
            #expect(try await server.api("/vehicles", token: access).status == 200)
            // A family like a code's: refreshed and rotated the same way, and revocable.
            let refreshed = try await server.refresh(try #require(issued["refresh_token"]), app: app)
            expectTokenPair(refreshed)
            let revoked = try await server.token([("token", try #require(refreshed["refresh_token"]))], headers: [app.basic], path: "/oauth/revoke")
            #expect(revoked.status == 200)
            let successor = try #require(refreshed["access_token"])
            #expect(try await server.api("/vehicles", token: successor).status == 401)
        }
    }

    @Test(arguments: StoreBackend.deviceSuite)
    func aDenialAndAnExpiryAreTheirRFCAnswers(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let app = try await server.deviceApp()
            let denied = try await server.deviceAuthorization(app)
            let page = try await server.approveDevice(userCode: try #require(denied["user_code"]), allow: false)
            #expect(page.status == 200 && page.text.contains("Nothing was shared"))
            expectOAuthError(try await server.pollDevice(try #require(denied["device_code"]), app: app), status: 400, error: "access_denied")

            let late = try await server.deviceAuthorization(app)
            let lateCode = try #require(late["user_code"])
            // The owner starts, the code expires before they decide: nothing is approved.
            let (browser, login) = try await server.enterUserCode(lateCode)
            _ = try await browser.post("/oauth/login", [("csrf", login.inputValue("csrf") ?? ""), ("email", "o@example.com"), ("password", "x")])
            let grant = try await browser.get("/oauth/grant")
            server.clock.advance(by: 601)
            let tooLate = try await browser.post(
                "/oauth/grant",
                [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow"), (grant.vehicleChoices[0], "on")] + grant.checkedPermissions
            )
            #expect(tooLate.status == 400 && tooLate.text.contains("expired"), "\(tooLate.status) \(tooLate.text)")
            expectOAuthError(try await server.pollDevice(try #require(late["device_code"]), app: app), status: 400, error: "expired_token")
            // The code cannot be entered any more either.
            let entered = try await server.enterUserCode(lateCode).reply
            #expect(entered.status == 400 && entered.text.contains("expired"))
        }
    }

    @Test func aPublicAppAsksWithItsClientIDAlone() async throws {
        try await TestServer.with { server in
            let app = try await server.deviceApp(isPublic: true)
            let asked = try await server.deviceAuthorization(app)
            #expect(asked.status == 200, "\(asked.text)")
            let approved = try await server.approveDevice(userCode: try #require(asked["user_code"]))
            #expect(approved.text.contains("You can return to your car"), "\(approved.text)")
            let issued = try await server.pollDevice(try #require(asked["device_code"]), app: app)
            expectTokenPair(issued)
            // Its refresh token is its own to rotate, with its client id.
            let refreshed = try await server.token(
                [("grant_type", "refresh_token"), ("refresh_token", try #require(issued["refresh_token"])), ("client_id", app.id)]
            )
            expectTokenPair(refreshed)
        }
    }

    @Test func badPollsAreRefusedAndConsumeNothing() async throws {
        try await TestServer.with { server in
            let app = try await server.deviceApp()
            let other = try await server.deviceApp()
            let asked = try await server.deviceAuthorization(app)
            let deviceCode = try #require(asked["device_code"])

            expectOAuthError(
                try await server.pollDevice(TokenText.random(using: SystemRandomSource()), app: app),
                status: 400,
                error: "invalid_grant"
            )
            expectOAuthError(try await server.pollDevice("not a code", app: app), status: 400, error: "invalid_request")
            expectOAuthError(
                try await server.token([("grant_type", GrantType.deviceCode)], headers: [app.basic]),
                status: 400,
                error: "invalid_request"
            )
            // Another client's device code is unknown to it, and left as it was.
            expectOAuthError(try await server.pollDevice(deviceCode, app: other), status: 400, error: "invalid_grant")
            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "authorization_pending")

            // A device code is not an authorization code, nor the other way round; neither is spent.
            let code = try await server.fixtures.code(for: app)
            expectOAuthError(try await server.exchange(deviceCode, app: app), status: 400, error: "invalid_grant")
            expectOAuthError(try await server.pollDevice(code, app: app), status: 400, error: "invalid_grant")
            expectTokenPair(try await server.exchange(code, app: app))
            server.clock.advance(by: 10)
            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "authorization_pending")

            // Wrong credentials are the token endpoint's invalid_client.
            let wrong = try await server.token([("mode", "test")], headers: [TestHTTP.basic(app.id, "wrong")], path: "/oauth/device_authorization")
            expectOAuthError(wrong, status: 401, error: "invalid_client")
        }
    }

    @Test func whatADeviceMayAskForIsChecked() async throws {
        let liveAndTest: @Sendable (inout KeyfobConfiguration) -> Void = { $0.connectModes = [.live, .test] }
        try await TestServer.with(configure: liveAndTest) { server in
            let app = try await server.deviceApp()
            expectOAuthError(try await server.deviceAuthorization(app, [("scope", "fly_car")]), status: 400, error: "invalid_scope")
            expectOAuthError(try await server.deviceAuthorization(app, [("mode", "sideways")]), status: 400, error: "invalid_request")
            expectOAuthError(try await server.deviceAuthorization(app, [("mode", "simulated")]), status: 400, error: "invalid_request")
            let narrow = try await server.fixtures.app(permissions: ["read_vin"], grantTypes: ["device_code"])
            expectOAuthError(try await server.deviceAuthorization(narrow, [("scope", "read_odometer")]), status: 400, error: "invalid_scope")
            let get = try await TestHTTP.send(.GET, server.baseURL + "/oauth/device_authorization")
            #expect(get.status == 405 && get.header("Allow") == "POST")
        }
    }

    @Test func theGrantTypesOfAnAppAreItsOwn() async throws {
        try await TestServer.with { server in
            // Registered without --grant-types: the defaults, which leave the device grant out.
            let plain = try await server.fixtures.app()
            expectOAuthError(try await server.deviceAuthorization(plain), status: 400, error: "unauthorized_client")
            expectOAuthError(
                try await server.token(
                    [("grant_type", GrantType.deviceCode), ("device_code", TokenText.random(using: SystemRandomSource()))],
                    headers: [plain.basic]
                ),
                status: 400,
                error: "unauthorized_client"
            )
            // Device only: no codes, no Connect redirect flow, no application tokens.
            let deviceOnly = try await server.fixtures.app(grantTypes: ["device_code", "refresh_token"])
            expectOAuthError(
                try await server.exchange(try await server.fixtures.code(for: deviceOnly), app: deviceOnly),
                status: 400,
                error: "unauthorized_client"
            )
            expectOAuthError(
                try await server.token([("grant_type", "client_credentials")], headers: [deviceOnly.basic]),
                status: 400,
                error: "unauthorized_client"
            )
            let authorize = try await TestHTTP.send(.GET, server.baseURL + "/oauth/authorize?response_type=code&client_id=\(deviceOnly.id)&mode=test")
            #expect(authorize.status == 302 && authorize.redirectParameters["error"] == "unauthorized_client")
            #expect(try await server.deviceAuthorization(deviceOnly).status == 200)

            let metadata = try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server")
            #expect(metadata["device_authorization_endpoint"] == server.baseURL + "/oauth/device_authorization")
            #expect((metadata.json["grant_types_supported"] as? [String])?.contains(GrantType.deviceCode) == true)
        }
    }

    /// Two instances on one PostgreSQL, sixteen polls at the same moment across both: one pair.
    @Test func sixteenPollsOnTwoInstancesGetOnePair() async throws {
        try await TestServer.twoInstancesOnOnePostgres { one, other in
            let app = try await one.deviceApp()
            for _ in 0..<3 {
                let asked = try await one.deviceAuthorization(app)
                _ = try await other.approveDevice(userCode: try #require(asked["user_code"]))
                let deviceCode = try #require(asked["device_code"])
                let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                    for index in 0..<16 {
                        group.addTask { try await (index.isMultiple(of: 2) ? one : other).pollDevice(deviceCode, app: app) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let issued = replies.filter { $0.status == 200 }
                #expect(issued.count == 1, "\(replies.map(\.text))")
                #expect(replies.filter { $0.status != 200 }.allSatisfy { $0["error"] == "invalid_grant" })
                let access = try #require(issued.first?["access_token"])
                #expect(try await other.api("/vehicles", token: access).status == 200)
            }
        }
    }
}
