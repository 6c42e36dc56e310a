import Foundation
import Hummingbird
import KeyfobCore

/// `GET /demo/callback`: where the Demo App's Connect flow lands, so a first run ends on a page
/// that shows the code and the curl that exchanges it rather than on "site can't be reached".
/// It only echoes its own query (HTML-escaped) and never sees a secret.
struct DemoCallbackController {
    let pages: ConnectPages
    let origin: ServerOrigin
    static let path = "/demo/callback"

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get(RouterPath(String(Self.path.dropFirst()))) { request, _ in
            let query = (try? FormDecoder.decode(Array((request.uri.query ?? "").utf8))) ?? [:]
            return pages.demoCallback(
                code: query["code"].map { String($0.prefix(128)) },
                state: query["state"].map { String($0.prefix(256)) },
                error: String((query["error"] ?? "invalid_request").prefix(64)),
                description: query["error_description"].map { String($0.prefix(512)) },
                tokenURL: origin.url + "/oauth/token",
                redirectURI: origin.url + Self.path
            )
        }
    }
}

extension ConnectPages {
    func demoCallback(
        code: String?,
        state: String?,
        error: String,
        description: String?,
        tokenURL: String,
        redirectURI: String
    ) -> Response {
        var values: [String: Any] = ["title": "Demo App", "tokenURL": tokenURL, "redirectURI": redirectURI, "error": error]
        if let code { values["code"] = code }
        if let state { values["state"] = state }
        if let description { values["description"] = description }
        return page(.ok, "demo-callback", values)
    }
}
