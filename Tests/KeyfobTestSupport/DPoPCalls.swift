import Foundation
import NIOHTTP1

/// Token requests and API calls that carry DPoP proofs, over real HTTP.
extension TestServer {
    /// A token request with `proof` in a `DPoP` header (nil: none) beside Basic for `app`.
    public func token(_ form: [(String, String)], app: Fixtures.App, proof: String?, path: String = "/oauth/token") async throws -> TestHTTP.Reply {
        var headers = app.application.isPublic ? [] : [app.basic]
        if let proof { headers.append(("DPoP", proof)) }
        return try await token(form + (app.application.isPublic ? [("client_id", app.id)] : []), headers: headers, path: path)
    }

    /// A code exchange with a proof made by `key` now.
    public func exchange(_ code: String, app: Fixtures.App, key: TestDPoPKey, extra: [(String, String)] = []) async throws -> TestHTTP.Reply {
        try await token(
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI)] + extra,
            app: app,
            proof: key.proof(tokenURL, at: clock.now)
        )
    }

    /// A `/v2.0` call with `Authorization: <scheme> <token>` and the given `DPoP` headers.
    public func api(
        _ path: String,
        token: String,
        scheme: String,
        proofs: [String],
        method: NIOHTTP1.HTTPMethod = .GET
    ) async throws -> TestHTTP.Reply {
        try await TestHTTP.send(method, baseURL + "/v2.0" + path, headers: [("Authorization", "\(scheme) \(token)")] + proofs.map { ("DPoP", $0) })
    }

    /// A `/v2.0` GET with a DPoP-bound token and a fresh proof of `key` for it.
    public func api(_ path: String, token: String, key: TestDPoPKey) async throws -> TestHTTP.Reply {
        try await api(path, token: token, scheme: "DPoP", proofs: [key.proof("GET", baseURL + "/v2.0" + path, at: clock.now, accessToken: token)])
    }
}
