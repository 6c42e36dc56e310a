import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

/// The Connect flow a vehicle owner walks (docs/contract.md §3), over real HTTP with cookies.
@Suite("Connect flow")
struct ConnectFlowTests {
    @Test func allowRedirectsWithACodeThatRedeemsAtTheTokenEndpoint() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let done = try await server.connect(app)
            #expect(done.status == 303)
            #expect(done.header("Location")?.hasPrefix(Fixtures.redirectURI + "?code=") == true)
            let parameters = done.redirectParameters
            #expect(parameters["state"] == "xyz")
            let pair = try await server.exchange(try #require(parameters["code"]), app: app)
            expectTokenPair(pair)
            let vehicles = try await server.api("/vehicles", token: pair["access_token"])
            #expect((vehicles.json["vehicles"] as? [String])?.count == 3)
        }
    }

    @Test func stateWithReservedCharactersRoundTripsExactly() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let state = "a b&c=d/e?f#g%20h+i~é"
            let done = try await server.connect(app, parameters: [("mode", "test"), ("state", state)])
            #expect(done.redirectParameters["state"] == state)
        }
    }

    @Test func redirectURIDefaultsToTheFirstRegisteredOneAndBindsNothing() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let login = try await browser.get(server.authorizeURL(app, [("mode", "test")], redirectURI: nil))
            #expect(login.status == 200)
            let answer = try await browser.post(
                "/oauth/login",
                [("csrf", login.inputValue("csrf") ?? ""), ("email", "a@example.com"), ("password", "x")]
            )
            let grant = try await browser.get("/oauth/grant")
            let done = try await browser.post(
                "/oauth/grant",
                [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow"), (grant.vehicleChoices[0], "on"), ("permission_read_odometer", "on")]
            )
            #expect(answer.status == 303)
            let code = try #require(done.redirectParameters["code"])
            expectTokenPair(try await server.exchange(code, app: app, redirectURI: nil))
        }
    }

    @Test func denyRedirectsWithAccessDenied() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (browser, _) = try await server.logIn(app)
            let grant = try await browser.get("/oauth/grant")
            let done = try await browser.post("/oauth/grant", [("csrf", grant.inputValue("csrf") ?? ""), ("action", "deny")])
            #expect(done.status == 303)
            #expect(done.redirectParameters == ["error": "access_denied", "error_description": "User denied access to application.", "state": "xyz"])
        }
    }

    @Test func grantScreenShowsTheAppPermissionsInPlainWordsAndLocksRequiredOnes() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(name: "Fleet <Tracker>")
            let (browser, _) = try await server.logIn(app, parameters: [("mode", "test"), ("scope", "required:read_odometer read_location")])
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.text.contains("Fleet &lt;Tracker&gt; wants access"))
            #expect(!grant.text.contains("Fleet <Tracker>"))
            #expect(grant.text.contains("Read the odometer"))
            #expect(grant.text.contains("name=\"permission_read_odometer\" checked disabled"))
            #expect(grant.text.contains(">Allow</button>") && grant.text.contains(">Deny</button>"))
            // Unticking the optional permission grants only the required one.
            let done = try await browser.post(
                "/oauth/grant",
                [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow"), (grant.vehicleChoices[0], "on")]
            )
            let pair = try await server.exchange(try #require(done.redirectParameters["code"]), app: app)
            let vehicle = try #require((try await server.api("/vehicles", token: pair["access_token"]).json["vehicles"] as? [String])?.first)
            let permissions = try await server.api("/vehicles/\(vehicle)/permissions", token: pair["access_token"])
            #expect(permissions.json["permissions"] as? [String] == ["read_odometer"])
        }
    }

    @Test func sameTestEmailGivesTheSameUserAndVehicles() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            var users = [String]()
            var fleets = [[String]]()
            for _ in 0..<2 {
                let done = try await server.connect(app, email: "Stable@Example.com")
                let pair = try await server.exchange(try #require(done.redirectParameters["code"]), app: app)
                users.append(try await server.api("/user", token: pair["access_token"])["id"] ?? "")
                fleets.append(try await server.api("/vehicles", token: pair["access_token"]).json["vehicles"] as? [String] ?? [])
            }
            #expect(users[0] == users[1] && !users[0].isEmpty)
            #expect(fleets[0] == fleets[1] && fleets[0].count == 3)
        }
    }

    @Test(arguments: [1, 7])
    func numberedTestLoginGivesThatManyVehiclesWithTestVINs(count: Int) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (browser, _) = try await server.logIn(app, email: "\(count)-vehicles@example.com")
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.vehicleChoices.count == count)
            #expect(grant.text.matches(of: /VIN 0SC[A-Z0-9]{14}/).count == count)
        }
    }

    @Test func accountWithoutVehiclesRedirectsNoVehicles() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (_, answer) = try await server.logIn(app, email: "0-vehicles@example.com")
            #expect(answer.status == 303)
            #expect(answer.redirectParameters["error"] == "no_vehicles")
            #expect(answer.redirectParameters["state"] == "xyz")
        }
    }

    @Test func incompatibleTestLoginRedirectsWithTheVehicle() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (_, answer) = try await server.logIn(app, email: "smartcar@vehicle-incompatible.com")
            let parameters = answer.redirectParameters
            #expect(parameters["error"] == "vehicle_incompatible")
            #expect(parameters["vin"]?.hasPrefix("0SC") == true)
            #expect(parameters["make"] != nil && parameters["model"] != nil && Int(parameters["year"] ?? "") != nil)
            #expect(parameters["state"] == "xyz")
        }
    }

    @Test func invalidSubscriptionTestLoginRedirectsInvalidSubscription() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (_, answer) = try await server.logIn(app, email: "smartcar@invalid-subscription.com")
            #expect(answer.redirectParameters["error"] == "invalid_subscription")
        }
    }

    @Test func approvalPromptAutoSkipsTheGrantScreenOnceGrantedAndForceShowsIt() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            _ = try await server.connect(app, email: "repeat@example.com")
            let (_, auto) = try await server.logIn(app, email: "repeat@example.com")
            #expect(auto.status == 303)
            let code = try #require(auto.redirectParameters["code"])
            expectTokenPair(try await server.exchange(code, app: app))

            let (_, forced) = try await server.logIn(app, email: "repeat@example.com", parameters: [("mode", "test"), ("approval_prompt", "force")])
            #expect(forced.header("Location") == "/oauth/grant")
        }
    }

    @Test func singleSelectOffersRadioButtonsAndAcceptsExactlyOneVehicle() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (browser, _) = try await server.logIn(app, parameters: [("mode", "test"), ("single_select", "true")])
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.text.contains("type=\"radio\""))
            #expect(!grant.text.contains("type=\"checkbox\" name=\"vehicle_"))
            let choice = try #require(grant.vehicleChoices.first)
            let done = try await browser.post(
                "/oauth/grant",
                [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow"), ("vehicle", choice), ("permission_read_odometer", "on")]
            )
            let pair = try await server.exchange(try #require(done.redirectParameters["code"]), app: app)
            #expect(try await server.api("/vehicles", token: pair["access_token"]).json["vehicles"] as? [String] == [choice])
        }
    }

    @Test func singleSelectVINOffersOnlyThatVehicle() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let owner = TestOwners.owner(email: "vin@example.com", mode: .test)
            let target = TestOwners.vehicles(for: owner)[1]
            let (browser, _) = try await server.logIn(
                app,
                email: "vin@example.com",
                parameters: [("mode", "test"), ("single_select_vin", target.vin)]
            )
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.vehicleChoices == [target.id.uuidString.lowercased()])
        }
    }

    @Test func makeLimitsTheVehiclesToThatBrand() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let owner = TestOwners.owner(email: "9-vehicles@example.com", mode: .test)
            let make = TestOwners.vehicles(for: owner)[0].make
            let expected = TestOwners.vehicles(for: owner).filter { $0.make == make }.count
            let (browser, _) = try await server.logIn(
                app,
                email: "9-vehicles@example.com",
                parameters: [("mode", "test"), ("make", make.lowercased())]
            )
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.vehicleChoices.count == expected)
        }
    }

    @Test func pkceChallengeBindsTheCode() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(isPublic: true)
            let verifier = String(repeating: "v", count: 50)
            let done = try await server.connect(
                app,
                parameters: [("mode", "test"), ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256")]
            )
            let code = try #require(done.redirectParameters["code"])
            let reply = try await server.token([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI), ("client_id", app.id),
                ("code_verifier", verifier),
            ])
            expectTokenPair(reply)
        }
    }
}
