import Foundation

/// Pushed authorization requests (RFC 9126) as an app's backend makes them, over real HTTP.
extension TestServer {
    /// The authorize parameters an app pushes for a test-mode flow.
    public static let pushedParameters = [
        ("response_type", "code"), ("redirect_uri", Fixtures.redirectURI), ("mode", "test"), ("state", "pushed-state"),
        ("scope", "read_odometer read_vehicle_info"),
    ]

    /// `POST /oauth/par` for `app` (Basic, or `client_id` alone for a public app) with `form`.
    public func push(_ app: Fixtures.App, _ form: [(String, String)] = TestServer.pushedParameters) async throws -> TestHTTP.Reply {
        if app.application.isPublic { return try await token([("client_id", app.id)] + form, path: "/oauth/par") }
        return try await token(form, headers: [app.basic], path: "/oauth/par")
    }

    /// The Connect link for a pushed request: the client id and the request_uri, nothing else.
    public func pushedAuthorizeURL(_ app: Fixtures.App, requestURI: String) -> String {
        baseURL + "/oauth/authorize?" + TestHTTP.formEncode([("client_id", app.id), ("request_uri", requestURI)])
    }
}
