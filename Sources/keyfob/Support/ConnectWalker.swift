import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Walks Connect in test mode the way a browser would — GET the Connect URL, post the login form,
/// open the grant page, post Allow — and returns the code from the final redirect. Every request
/// is reported to `log` so `keyfob try` can show what went over the wire.
struct ConnectWalker {
    let http: HTTPClient
    let log: (String) -> Void

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct Page {
        let status: UInt
        let location: String?
        let html: String
    }

    func code(from url: URL, base: String, email: String) async throws -> (code: String, state: String?) {
        var cookie: String?
        func request(_ method: HTTPMethod, _ target: String, form: [(String, String)]? = nil) async throws -> Page {
            var request = HTTPClientRequest(url: target.hasPrefix("http") ? target : base + target)
            request.method = method
            request.headers.add(name: "User-Agent", value: "keyfob-try")
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")))
            }
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            if let setCookie = response.headers.first(name: "Set-Cookie") { cookie = String(setCookie.split(separator: ";")[0]) }
            let location = response.headers.first(name: "Location")
            let path = URLComponents(string: target)?.path ?? target
            log("  \(method.rawValue) \(path) → \(response.status.code)\(location.map { " Location: \(Self.shorten($0))" } ?? "")")
            return Page(status: response.status.code, location: location, html: String(buffer: body))
        }

        let login = try await request(.GET, url.absoluteString)
        guard login.status == 200, let csrf = Self.input("csrf", in: login.html) else {
            throw Failure(description: "Connect did not show the login page (HTTP \(login.status)); is the app's redirect URI registered?")
        }
        let loggedIn = try await request(.POST, "/oauth/login", form: [("csrf", csrf), ("email", email), ("password", "keyfob-try")])
        var final = loggedIn
        if loggedIn.location == "/oauth/grant" {
            let grant = try await request(.GET, "/oauth/grant")
            // The session (and its CSRF token) is renewed at login: take the grant form's token.
            let grantCSRF = Self.input("csrf", in: grant.html) ?? ""
            let boxes = grant.html.matches(of: /name="((?:vehicle|permission)_[0-9a-z_-]+)"/).map { (String($0.output.1), "on") }
            final = try await request(.POST, "/oauth/grant", form: [("csrf", grantCSRF), ("action", "allow")] + boxes)
        }
        guard let location = final.location, let items = URLComponents(string: location)?.queryItems,
            let code = items.first(where: { $0.name == "code" })?.value
        else {
            throw Failure(description: "Connect did not redirect with a code: \(final.location ?? "HTTP \(final.status)")")
        }
        return (code, items.first(where: { $0.name == "state" })?.value)
    }

    private static func input(_ name: String, in html: String) -> String? {
        guard let match = html.firstMatch(of: try! Regex("name=\"\(name)\" value=\"([^\"]*)\"")) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        ) ?? text
    }

    /// Replaces every UUID-shaped token in `text` with its first 8 characters and an ellipsis.
    static func shorten(_ text: String) -> String {
        text.replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) { String($0.output.prefix(8)) + "…" }
    }
}
