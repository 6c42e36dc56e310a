import Foundation
import KeyfobTestSupport
import Testing

/// Bad input in the Connect forms: the page again with a message, or a clear error — never a code.
@Suite("Connect form input")
struct ConnectFormInputTests {
    @Test(arguments: [("", "x"), ("not-an-email", "x"), ("a@example.com", "")])
    func incompleteLoginShowsTheLoginPageWithAMessage(email: String, password: String) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (_, reply) = try await server.logIn(app, email: email, password: password)
            #expect(reply.status == 200)
            #expect(reply.text.contains("Enter your email address and password."))
        }
    }

    @Test func loginPostedAsJSONIsAnErrorPage() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let login = try await browser.get(server.authorizeURL(app, [("mode", "test")]))
            let csrf = try #require(login.inputValue("csrf"))
            let cookie = try #require(browser.sessionCookie)
            // Everything a valid login has — the session and its CSRF token — except the form encoding.
            let json = try JSONSerialization.data(withJSONObject: ["csrf": csrf, "email": "a@example.com", "password": "x"])
            let reply = try await TestHTTP.send(
                .POST,
                server.baseURL + "/oauth/login",
                headers: [("Content-Type", "application/json"), ("Cookie", cookie)],
                body: json
            )
            #expect(reply.status == 400)
            #expect(reply.header("Location") == nil)
            #expect(reply.text.contains("The form could not be read."))
            // The same session and token as a form do log in, so the refusal above was the encoding's.
            let form = try await browser.post("/oauth/login", [("csrf", csrf), ("email", "a@example.com"), ("password", "x")])
            #expect(form.header("Location") == "/oauth/grant")
        }
    }

    /// Logs in and opens the grant page; returns the browser, the page and its CSRF token.
    func grantPage(
        _ server: TestServer,
        parameters: [(String, String)] = [("mode", "test"), ("state", "s")]
    ) async throws
        -> (ConnectBrowser, TestHTTP.Reply, String)
    {
        let app = try await server.fixtures.app()
        let (browser, _) = try await server.logIn(app, parameters: parameters)
        let grant = try await browser.get("/oauth/grant")
        return (browser, grant, grant.inputValue("csrf") ?? "")
    }

    @Test func allowWithoutAVehicleShowsTheGrantPageAgain() async throws {
        try await TestServer.with { server in
            let (browser, _, csrf) = try await grantPage(server)
            let reply = try await browser.post("/oauth/grant", [("csrf", csrf), ("action", "allow"), ("permission_read_odometer", "on")])
            #expect(reply.status == 200 && reply.text.contains("Select a vehicle to share."))
        }
    }

    @Test func allowWithoutAnyPermissionShowsTheGrantPageAgain() async throws {
        try await TestServer.with { server in
            let (browser, grant, csrf) = try await grantPage(server)
            let reply = try await browser.post("/oauth/grant", [("csrf", csrf), ("action", "allow"), (grant.vehicleChoices[0], "on")])
            #expect(reply.status == 200 && reply.text.contains("Allow at least one permission"))
        }
    }

    @Test func twoVehiclesUnderSingleSelectShowTheGrantPageAgain() async throws {
        try await TestServer.with { server in
            let (browser, grant, csrf) = try await grantPage(server, parameters: [("mode", "test"), ("single_select", "true")])
            let ids = grant.vehicleChoices
            let reply = try await browser.post(
                "/oauth/grant",
                [("csrf", csrf), ("action", "allow"), ("vehicle_\(ids[0])", "on"), ("vehicle_\(ids[1])", "on"), ("permission_read_odometer", "on")]
            )
            #expect(reply.status == 200 && reply.text.contains("Select exactly one vehicle."))
        }
    }

    @Test func vehicleOfAnotherOwnerIsNotGranted() async throws {
        try await TestServer.with { server in
            let (browser, _, csrf) = try await grantPage(server)
            let stranger = UUID().uuidString.lowercased()
            let reply = try await browser.post(
                "/oauth/grant",
                [("csrf", csrf), ("action", "allow"), ("vehicle_\(stranger)", "on"), ("permission_read_odometer", "on")]
            )
            #expect(reply.status == 200 && reply.text.contains("Select a vehicle to share."))
        }
    }

    @Test func unknownActionIsConfigurationError() async throws {
        try await TestServer.with { server in
            let (browser, _, csrf) = try await grantPage(server)
            let reply = try await browser.post("/oauth/grant", [("csrf", csrf), ("action", "maybe")])
            #expect(reply.status == 303)
            #expect(reply.redirectParameters["error"] == "configuration_error")
            #expect(reply.redirectParameters["error_message"] == "The grant form was sent without Allow or Deny.")
            #expect(reply.redirectParameters["state"] == "s")
        }
    }
}
