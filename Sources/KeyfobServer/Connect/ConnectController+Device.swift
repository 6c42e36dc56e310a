import Foundation
import HTTPTypes
import Hummingbird
import KeyfobConnect
import KeyfobCore

/// The device verification pages (RFC 8628 §3.3): `GET /oauth/device` shows the code entry form,
/// `POST /oauth/device` checks the code and hands over to the login and grant pages.
///
/// The entry form comes before any Connect session, so its anti-CSRF proof is a double-submit
/// cookie: a random value in an HttpOnly, SameSite cookie that the form must echo. Another site
/// can neither read the cookie nor set it, so it cannot make a browser post a code. The same
/// value names the entry session that code entries are counted against.
extension ConnectController {
    static let deviceCookieName = "keyfob_device"
    /// How long an entry session lasts: the life of the codes it can enter.
    static let deviceEntryLifetime = Int(DeviceCodeRule.lifetime)

    func addDeviceRoutes(to router: Router<KeyfobRequestContext>) {
        router.get("/oauth/device") { request, context in await self.answer(context) { self.deviceEntryPage(request) } }
        router.post("/oauth/device") { request, context in
            await self.answer(context) { try await self.enterUserCode(request, from: self.addresses.of(request, context)) }
        }
    }

    private func deviceEntryPage(_ request: Request) -> Response {
        let prefilled = request.uri.queryParameters["user_code"].map(String.init)
        let (token, isNew) = entryToken(request)
        var response = render(flow.deviceEntryPage(prefilled: prefilled), redirectStatus: .seeOther, entryToken: token)
        if isNew { response.headers[.setCookie] = deviceCookie(token) }
        return response
    }

    private func enterUserCode(_ request: Request, from address: String) async throws -> Response {
        guard let form = await form(request) else { return pages.error(status: 400, message: "The form could not be read.") }
        guard let token = Self.cookie(named: Self.deviceCookieName, in: request), let proof = form["csrf"],
            SecretDigest.of(proof).constantTimeEquals(.of(token))
        else {
            return pages.error(status: 403, message: "This form could not be verified. Open the address shown on your car again.")
        }
        let (step, sessionToken) = try await flow.enterUserCode(form["user_code"] ?? "", entrySession: .of(token), from: address)
        var response = render(step, redirectStatus: .seeOther, entryToken: token)
        if let sessionToken { response.headers[.setCookie] = cookie(sessionToken, maxAge: Int(ConnectFlow.sessionLifetime)) }
        return response
    }

    /// The browser's entry token, or a new one.
    private func entryToken(_ request: Request) -> (token: String, isNew: Bool) {
        if let existing = Self.cookie(named: Self.deviceCookieName, in: request), TokenText.isWellFormed(existing) {
            return (existing, false)
        }
        return (flow.newDeviceEntryToken(), true)
    }

    private func deviceCookie(_ value: String) -> String {
        "\(Self.deviceCookieName)=\(value); Path=/oauth/device; Max-Age=\(Self.deviceEntryLifetime); HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : "")
    }
}
