import Foundation

extension TestServer {
    /// A Connect URL for an app with the given extra parameters.
    public func authorizeURL(_ app: Fixtures.App, _ parameters: [(String, String)] = [], redirectURI: String? = Fixtures.redirectURI) -> String {
        var pairs = [("response_type", "code"), ("client_id", app.id)]
        if let redirectURI { pairs.append(("redirect_uri", redirectURI)) }
        return baseURL + "/oauth/authorize?" + TestHTTP.formEncode(pairs + parameters)
    }

    /// Walks authorize → login in a fresh browser and returns the browser and the login answer.
    /// The link is `startURL` when given (a pushed request's), else one built from `parameters`.
    public func logIn(
        _ app: Fixtures.App,
        email: String = "owner@example.com",
        password: String = "secret",
        parameters: [(String, String)] = [("mode", "test"), ("state", "xyz")],
        startURL: String? = nil
    ) async throws -> (ConnectBrowser, TestHTTP.Reply) {
        let browser = ConnectBrowser(baseURL: baseURL)
        let login = try await browser.get(startURL ?? authorizeURL(app, parameters))
        let csrf = login.inputValue("csrf") ?? ""
        let answer = try await browser.post("/oauth/login", [("csrf", csrf), ("email", email), ("password", password)])
        return (browser, answer)
    }

    /// A whole flow in test mode that allows every offered vehicle; returns the final redirect.
    public func connect(
        _ app: Fixtures.App,
        email: String = "owner@example.com",
        parameters: [(String, String)] = [("mode", "test"), ("state", "xyz")],
        startURL: String? = nil
    ) async throws -> TestHTTP.Reply {
        let (browser, login) = try await logIn(app, email: email, parameters: parameters, startURL: startURL)
        guard login.status == 303, login.header("Location") == "/oauth/grant" else { return login }
        let grant = try await browser.get("/oauth/grant")
        let csrf = grant.inputValue("csrf") ?? ""
        let vehicles = grant.vehicleChoices.map { $0.hasPrefix("vehicle_") ? ($0, "on") : ("vehicle", $0) }
        let permissions = grant.text.matches(of: /name="(permission_[a-z_]+)"/).map { (String($0.output.1), "on") }
        return try await browser.post("/oauth/grant", [("csrf", csrf), ("action", "allow")] + vehicles + permissions)
    }
}
