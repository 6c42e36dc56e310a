import Foundation
import NIOHTTP1

extension TestServer {
    /// `POST /oauth/token` with a form body and the given headers (User-Agent added by default).
    public func token(_ form: [(String, String)], headers: [(String, String)] = [], path: String = "/oauth/token") async throws -> TestHTTP.Reply {
        try await TestHTTP.send(
            .POST,
            baseURL + path,
            headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
            body: Data(TestHTTP.formEncode(form).utf8)
        )
    }

    /// Exchanges a code with Basic authentication.
    public func exchange(
        _ code: String,
        app: Fixtures.App,
        redirectURI: String? = Fixtures.redirectURI,
        extra: [(String, String)] = []
    ) async throws -> TestHTTP.Reply {
        var form = [("grant_type", "authorization_code"), ("code", code)]
        if let redirectURI { form.append(("redirect_uri", redirectURI)) }
        return try await token(form + extra, headers: [app.basic])
    }

    /// A fresh code for `app`, redeemed: the token pair.
    public func freshPair(_ app: Fixtures.App) async throws -> TestHTTP.Reply {
        try await exchange(try await fixtures.code(for: app), app: app)
    }

    /// Refreshes with Basic authentication.
    public func refresh(_ refreshToken: String, app: Fixtures.App) async throws -> TestHTTP.Reply {
        try await token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)], headers: [app.basic])
    }

    /// `GET` a `/v2.0` path with a bearer token.
    public func api(_ path: String, token: String?, method: NIOHTTP1.HTTPMethod = .GET) async throws -> TestHTTP.Reply {
        try await TestHTTP.send(method, baseURL + "/v2.0" + path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }
}
