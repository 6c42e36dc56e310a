import Foundation
import KeyfobCore

/// The device grant (RFC 8628) as a device and an owner's browser drive it, over real HTTP.
extension TestServer {
    /// An app registered for the device grant beside the defaults.
    public func deviceApp(isPublic: Bool = false) async throws -> Fixtures.App {
        try await fixtures.app(
            isPublic: isPublic,
            grantTypes: ["authorization_code", "refresh_token", "device_code"]
        )
    }

    /// `POST /oauth/device_authorization` for `app`, with `form` beside its credentials.
    public func deviceAuthorization(_ app: Fixtures.App, _ form: [(String, String)] = [("mode", "test")]) async throws -> TestHTTP.Reply {
        if app.application.isPublic {
            return try await token([("client_id", app.id)] + form, path: "/oauth/device_authorization")
        }
        return try await token(form, headers: [app.basic], path: "/oauth/device_authorization")
    }

    /// The device's poll with `deviceCode`.
    public func pollDevice(_ deviceCode: String, app: Fixtures.App) async throws -> TestHTTP.Reply {
        let grant = [("grant_type", GrantType.deviceCode), ("device_code", deviceCode)]
        if app.application.isPublic { return try await token(grant + [("client_id", app.id)]) }
        return try await token(grant, headers: [app.basic])
    }

    /// An owner's browser at the verification page: opens it (pre-filled from `userCode` when
    /// given) and submits `typed`. Returns the browser and the answer to the submit.
    public func enterUserCode(
        _ typed: String,
        prefill: String? = nil,
        browser: ConnectBrowser? = nil
    ) async throws
        -> (browser: ConnectBrowser, reply: TestHTTP.Reply)
    {
        let browser = browser ?? ConnectBrowser(baseURL: baseURL)
        let page = try await browser.get("/oauth/device" + (prefill.map { "?user_code=" + $0 } ?? ""))
        let reply = try await browser.post("/oauth/device", [("csrf", page.inputValue("csrf") ?? ""), ("user_code", typed)])
        return (browser, reply)
    }

    /// Walks the verification pages with a test-mode login and answers the grant screen: Allow
    /// with the first vehicle, or Deny. Returns the last page.
    public func approveDevice(userCode: String, allow: Bool = true, email: String = "owner@example.com") async throws -> TestHTTP.Reply {
        let (browser, login) = try await enterUserCode(userCode)
        let loggedIn = try await browser.post(
            "/oauth/login",
            [("csrf", login.inputValue("csrf") ?? ""), ("email", email), ("password", "anything")]
        )
        guard loggedIn.status == 303 else { return loggedIn }
        let grant = try await browser.get("/oauth/grant")
        var form = [("csrf", grant.inputValue("csrf") ?? ""), ("action", allow ? "allow" : "deny")] + grant.checkedPermissions
        if let vehicle = grant.vehicleChoices.first { form.append((vehicle, "on")) }
        return try await browser.post("/oauth/grant", form)
    }
}
