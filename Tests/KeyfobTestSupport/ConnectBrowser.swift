import Foundation

/// A minimal browser for Connect flow tests: real HTTP requests that keep the session cookie and
/// read what a person would (forms, links, the final redirect). Redirects are not followed, so
/// tests see every Location.
public final class ConnectBrowser: @unchecked Sendable {
    /// The server the next request goes to; tests may switch it between instances.
    public var baseURL: String
    private var cookie: String?
    public private(set) var lastSetCookie: String?

    public init(baseURL: String) { self.baseURL = baseURL }

    /// GET a path or absolute URL.
    public func get(_ pathOrURL: String) async throws -> TestHTTP.Reply {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : baseURL + pathOrURL
        return remember(try await TestHTTP.send(.GET, url, headers: cookieHeader))
    }

    /// POST a form to a path.
    public func post(_ path: String, _ form: [(String, String)]) async throws -> TestHTTP.Reply {
        remember(
            try await TestHTTP.send(
                .POST,
                baseURL + path,
                headers: cookieHeader + [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(TestHTTP.formEncode(form).utf8)
            )
        )
    }

    private var cookieHeader: [(String, String)] { cookie.map { [("Cookie", $0)] } ?? [] }

    private func remember(_ reply: TestHTTP.Reply) -> TestHTTP.Reply {
        if let setCookie = reply.header("Set-Cookie") {
            lastSetCookie = setCookie
            let pair = String(setCookie.split(separator: ";")[0])
            cookie = pair.hasSuffix("=") ? nil : pair
        }
        return reply
    }

    /// Forgets the session cookie (another browser).
    public func clearCookies() { cookie = nil }

    /// The session cookie it would send now, to send again later as a replaying client would.
    public var sessionCookie: String? {
        get { cookie }
        set { cookie = newValue }
    }
}

extension TestHTTP.Reply {
    /// The value of a hidden or text input named `name` in an HTML page.
    public func inputValue(_ name: String) -> String? {
        guard let match = text.firstMatch(of: try! Regex("name=\"\(name)\" value=\"([^\"]*)\"")) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    /// The names of the vehicle checkboxes (`vehicle_<id>`) or the values of the radio buttons.
    public var vehicleChoices: [String] {
        let checkboxes = text.matches(of: /type="checkbox" name="(vehicle_[0-9a-f-]{36})"/).map { String($0.output.1) }
        let radios = text.matches(of: /type="radio" name="vehicle" value="([0-9a-f-]{36})"/).map { String($0.output.1) }
        return checkboxes + radios
    }

    /// The grant screen's permission boxes ticked as the page comes, as a browser would send them.
    public var checkedPermissions: [(String, String)] {
        text.matches(of: /type="checkbox" name="(permission_[a-z_]+)" checked/).map { (String($0.output.1), "on") }
    }

    /// The query parameters of the Location header.
    public var redirectParameters: [String: String] {
        guard let location = header("Location"), let components = URLComponents(string: location) else { return [:] }
        return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}
