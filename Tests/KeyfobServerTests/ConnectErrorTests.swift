import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// Connect's errors: pages where the redirect URI cannot be trusted (never an open redirect),
/// redirects with `state` where it can, and the security of the pages themselves.
@Suite("Connect errors and security")
struct ConnectErrorTests {
    func expectErrorPage(_ reply: TestHTTP.Reply, status: Int = 400, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "body: \(reply.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(reply.header("Location") == nil, sourceLocation: sourceLocation)
        #expect(reply.header("Content-Type") == "text/html; charset=utf-8", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "https://client.example.com/cb/", "https://client.example.com/cb?x=1", "https://CLIENT.example.com/cb",
        "http://client.example.com/cb", "https://client.example.com@evil.example/cb", "https://client.example.com/cb/../cb",
        "https://client.example.com/CB", "https://evil.example/cb", "https://client.example.com/cb#frag",
    ])
    func unregisteredRedirectURIIsAnErrorPageEvenWhenEverythingElseIsWrongToo(uri: String) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await TestHTTP.send(.GET, server.authorizeURL(app, [("scope", "bogus"), ("mode", "test")], redirectURI: uri))
            expectErrorPage(reply)
        }
    }

    @Test func unknownClientIsAnErrorPage() async throws {
        try await TestServer.with { server in
            for clientID in [UUID().uuidString, "not-a-uuid", ""] {
                let query = TestHTTP.formEncode([("response_type", "code"), ("client_id", clientID), ("redirect_uri", "https://evil.example/cb")])
                expectErrorPage(try await TestHTTP.send(.GET, server.baseURL + "/oauth/authorize?" + query))
            }
        }
    }

    @Test func applicationIDIsAnAliasOfClientID() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let query = TestHTTP.formEncode([("response_type", "code"), ("application_id", app.id), ("mode", "test")])
            #expect(try await TestHTTP.send(.GET, server.baseURL + "/oauth/authorize?" + query).status == 200)
        }
    }

    @Test(arguments: [nil, "token", "CODE"])
    func missingOrUnsupportedResponseTypeIsAnErrorPage(responseType: String?) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            var pairs = [("client_id", app.id), ("redirect_uri", Fixtures.redirectURI), ("state", "s")]
            if let responseType { pairs.append(("response_type", responseType)) }
            expectErrorPage(try await TestHTTP.send(.GET, server.baseURL + "/oauth/authorize?" + TestHTTP.formEncode(pairs)))
        }
    }

    @Test(arguments: [
        ([("scope", "read_odometer read_everything")], "invalid_scope"),
        ([("code_challenge", PKCE.challenge(for: String(repeating: "a", count: 43))), ("code_challenge_method", "plain")], "invalid_request"),
        ([("code_challenge", "short"), ("code_challenge_method", "S256")], "invalid_request"),
        ([("mode", "production")], "invalid_request"),
        ([("approval_prompt", "sometimes")], "invalid_request"),
    ])
    func errorsAfterTheRedirectURIIsTrustedRedirectWithState(parameters: [(String, String)], error: String) async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await TestHTTP.send(.GET, server.authorizeURL(app, parameters + [("state", "keep me")]))
            #expect(reply.status == 302)
            #expect(reply.header("Location")?.hasPrefix(Fixtures.redirectURI + "?") == true)
            #expect(reply.redirectParameters["error"] == error)
            #expect(reply.redirectParameters["state"] == "keep me")
            #expect(!(reply.redirectParameters["error_description"] ?? "").isEmpty)
        }
    }

    @Test func publicApplicationWithoutPKCEIsRefused() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(isPublic: true)
            let reply = try await TestHTTP.send(.GET, server.authorizeURL(app, [("mode", "test")]))
            #expect(reply.redirectParameters["error"] == "invalid_request")
        }
    }

    @Test func pagesForbidFramingReferrersAndCaching() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let login = try await browser.get(server.authorizeURL(app, [("mode", "test")]))
            #expect(login.header("X-Frame-Options") == "DENY")
            #expect(login.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(login.header("Referrer-Policy") == "no-referrer")
            #expect(login.header("Cache-Control") == "no-store")
            #expect(login.header("Access-Control-Allow-Origin") == nil)
            let cookie = try #require(browser.lastSetCookie)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            #expect(login.text.contains("type=\"email\"") && login.text.contains("type=\"password\""))
            #expect(login.text.contains("<label for=\"email\">") && login.text.contains("<label for=\"password\">"))
            #expect(!login.text.contains("role=\"alert\""), "no message box before anything went wrong")
        }
    }

    @Test func cookiesAreSecureWhenTheBaseURLIsHTTPS() async throws {
        try await TestServer.with(publicBaseURL: "https://auth.example.com") { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            _ = try await browser.get(server.authorizeURL(app, [("mode", "test")]))
            let cookie = try #require(browser.lastSetCookie)
            #expect(cookie.contains("; Secure"))
        }
    }

    @Test func loginRenewsTheSessionSoThePreLoginCookieIsWorthless() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let login = try await browser.get(server.authorizeURL(app, [("mode", "test")]))
            let before = try #require(browser.lastSetCookie?.split(separator: ";").first.map(String.init))
            let answer = try await browser.post(
                "/oauth/login",
                [("csrf", login.inputValue("csrf") ?? ""), ("email", "a@example.com"), ("password", "x")]
            )
            let after = try #require(answer.header("Set-Cookie")?.split(separator: ";").first.map(String.init))
            #expect(before != after)
            let grant = try await browser.get("/oauth/grant")
            #expect(grant.status == 200)
            #expect(grant.inputValue("csrf") != login.inputValue("csrf"))
            expectErrorPage(try await TestHTTP.send(.GET, server.baseURL + "/oauth/grant", headers: [("Cookie", before)]))
        }
    }

    @Test func loginWithoutTheCSRFTokenIs403() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            _ = try await browser.get(server.authorizeURL(app, [("mode", "test")]))
            let reply = try await browser.post("/oauth/login", [("email", "a@example.com"), ("password", "x")])
            expectErrorPage(reply, status: 403)
        }
    }

    @Test func grantWithAnotherSessionsCSRFTokenIs403AndIssuesNoCode() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (victim, _) = try await server.logIn(app)
            let (attacker, _) = try await server.logIn(app, email: "attacker@example.com")
            let attackerToken = try await attacker.get("/oauth/grant").inputValue("csrf") ?? ""
            let victimGrant = try await victim.get("/oauth/grant")
            let reply = try await victim.post("/oauth/grant", [("csrf", attackerToken), ("action", "allow"), (victimGrant.vehicleChoices[0], "on")])
            expectErrorPage(reply, status: 403)
            // The real token still works: nothing was consumed.
            let done = try await victim.post(
                "/oauth/grant",
                [
                    ("csrf", victimGrant.inputValue("csrf") ?? ""), ("action", "allow"), (victimGrant.vehicleChoices[0], "on"),
                    ("permission_read_odometer", "on"),
                ]
            )
            #expect(done.redirectParameters["code"] != nil)
        }
    }

    @Test func grantPageBeforeLoginIsConfigurationError() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            _ = try await browser.get(server.authorizeURL(app, [("mode", "test"), ("state", "s1")]))
            let reply = try await browser.get("/oauth/grant")
            #expect(reply.status == 303)
            #expect(reply.redirectParameters["error"] == "configuration_error")
            #expect(reply.redirectParameters["status_code"] == "400")
            #expect(reply.redirectParameters["error_message"] != nil)
            #expect(reply.redirectParameters["state"] == "s1")
        }
    }

    @Test func pagesWithoutASessionAreAnErrorPage() async throws {
        try await TestServer.with { server in
            expectErrorPage(try await TestHTTP.send(.GET, server.baseURL + "/oauth/grant"))
            expectErrorPage(try await ConnectBrowser(baseURL: server.baseURL).post("/oauth/login", [("csrf", "x")]))
        }
    }

    @Test func sessionExpiresAfterFifteenMinutes() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let login = try await browser.get(server.authorizeURL(app, [("mode", "test")]))
            server.clock.advance(by: 901)
            let reply = try await browser.post(
                "/oauth/login",
                [("csrf", login.inputValue("csrf") ?? ""), ("email", "a@example.com"), ("password", "x")]
            )
            expectErrorPage(reply)
        }
    }

    @Test func submittingTheGrantFormTwiceIssuesOneCode() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (browser, _) = try await server.logIn(app)
            let grant = try await browser.get("/oauth/grant")
            let form = [
                ("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow"), (grant.vehicleChoices[0], "on"), ("permission_read_odometer", "on"),
            ]
            let cookie = try #require(browser.sessionCookie)
            let first = try await browser.post("/oauth/grant", form)
            #expect(first.redirectParameters["code"] != nil)
            // The first answer cleared the cookie; a client that replays the form sends it again,
            // with the same CSRF token: the session is gone, so no second code.
            browser.sessionCookie = cookie
            let second = try await browser.post("/oauth/grant", form)
            expectErrorPage(second)
            #expect(second.redirectParameters["code"] == nil)
        }
    }

    @Test func malformedAuthorizeQueryIsAnErrorPage() async throws {
        try await TestServer.with { server in
            expectErrorPage(try await TestHTTP.send(.GET, server.baseURL + "/oauth/authorize?client_id=%ZZ&response_type=code"))
            let app = try await server.fixtures.app()
            expectErrorPage(
                try await TestHTTP.send(.GET, server.baseURL + "/oauth/authorize?client_id=\(app.id)&client_id=\(app.id)&response_type=code")
            )
        }
    }
}
