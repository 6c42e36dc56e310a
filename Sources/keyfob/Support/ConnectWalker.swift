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

    /// Connect from `url` to the redirect's code and state.
    func code(from url: URL, base: String, email: String) async throws -> (code: String, state: String?) {
        let browser = Browser(http: http, base: base, log: log)
        let login = try await browser.request(.GET, url.absoluteString)
        guard login.status == 200 else {
            throw Failure(description: "Connect did not show the login page (HTTP \(login.status)); is the app's redirect URI registered?")
        }
        let final = try await logInAndAllow(login, email: email, browser: browser)
        guard let location = final.location, let items = URLComponents(string: location)?.queryItems,
            let code = items.first(where: { $0.name == "code" })?.value
        else {
            throw Failure(description: "Connect did not redirect with a code: \(final.location ?? "HTTP \(final.status)")")
        }
        return (code, items.first(where: { $0.name == "state" })?.value)
    }

    /// The device verification pages from `verificationURIComplete` (RFC 8628 §3.3): the code
    /// entry form as pre-filled, then the same login and grant screens, to "return to your car".
    func approveDevice(at verificationURIComplete: String, base: String, email: String) async throws {
        let browser = Browser(http: http, base: base, log: log)
        let entry = try await browser.request(.GET, verificationURIComplete)
        guard entry.status == 200, let csrf = Self.input("csrf", in: entry.html),
            let code = entry.html.firstMatch(of: /name="user_code"[^>]* value="([A-Z-]+)"/)?.output.1
        else {
            throw Failure(description: "The verification page did not show the pre-filled code (HTTP \(entry.status)).")
        }
        let login = try await browser.request(.POST, "/oauth/device", form: [("csrf", csrf), ("user_code", String(code))])
        guard login.status == 200 else { throw Failure(description: "The code was not accepted (HTTP \(login.status)).") }
        let final = try await logInAndAllow(login, email: email, browser: browser)
        guard final.status == 200, final.html.contains("You can return to your car") else {
            throw Failure(description: "The device was not approved (HTTP \(final.status)).")
        }
    }

    /// Posts the login form of `login`, and Allow with every box on the grant page.
    private func logInAndAllow(_ login: Page, email: String, browser: Browser) async throws -> Page {
        guard let csrf = Self.input("csrf", in: login.html) else { throw Failure(description: "Connect did not show the login form.") }
        let loggedIn = try await browser.request(.POST, "/oauth/login", form: [("csrf", csrf), ("email", email), ("password", "keyfob-try")])
        guard loggedIn.location == "/oauth/grant" else { return loggedIn }
        let grant = try await browser.request(.GET, "/oauth/grant")
        // The session (and its CSRF token) is renewed at login: take the grant form's token.
        let grantCSRF = Self.input("csrf", in: grant.html) ?? ""
        let boxes = grant.html.matches(of: /name="((?:vehicle|permission)_[0-9a-z_-]+)"/).map { (String($0.output.1), "on") }
        return try await browser.request(.POST, "/oauth/grant", form: [("csrf", grantCSRF), ("action", "allow")] + boxes)
    }

    /// Requests with the one cookie Connect sets at a time, each reported to `log`.
    private final class Browser {
        let http: HTTPClient
        let base: String
        let log: (String) -> Void
        var cookie: String?

        init(http: HTTPClient, base: String, log: @escaping (String) -> Void) {
            self.http = http
            self.base = base
            self.log = log
        }

        func request(_ method: HTTPMethod, _ target: String, form: [(String, String)]? = nil) async throws -> Page {
            var request = HTTPClientRequest(url: target.hasPrefix("http") ? target : base + target)
            request.method = method
            request.headers.add(name: "User-Agent", value: "keyfob-try")
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(
                    ByteBuffer(string: form.map { "\(ConnectWalker.escape($0.0))=\(ConnectWalker.escape($0.1))" }.joined(separator: "&"))
                )
            }
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            if let setCookie = response.headers.first(name: "Set-Cookie") { cookie = String(setCookie.split(separator: ";")[0]) }
            let location = response.headers.first(name: "Location")
            let path = URLComponents(string: target)?.path ?? target
            log("  \(method.rawValue) \(path) → \(response.status.code)\(location.map { " Location: \(ConnectWalker.shorten($0))" } ?? "")")
            return Page(status: response.status.code, location: location, html: String(buffer: body))
        }
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
