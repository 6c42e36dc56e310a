import Foundation
import HTTPTypes
import Hummingbird
import KeyfobConnect
import KeyfobCore
import Logging

/// The Connect pages (docs/contract.md §3): `GET /oauth/authorize`, `POST /oauth/login`,
/// `GET|POST /oauth/grant`. The flow's rules live in `ConnectFlow`; this turns HTTP into its
/// inputs and its steps into pages, redirects and the session cookie.
struct ConnectController {
    let flow: ConnectFlow
    let pages: ConnectPages
    /// `Secure` cookies when the public origin is https.
    let secureCookies: Bool
    /// Where a login came from, through trusted proxies (the login throttle counts per address).
    let addresses: ClientAddress

    static let cookieName = "keyfob_connect"
    static let maxFormSize = 16 * 1024
    /// An authorize link longer than this is not one an app builds; it is refused before a
    /// session is stored for it.
    static let maxAuthorizeQuerySize = 8 * 1024

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get("/oauth/authorize") { request, context in await self.answer(context) { try await self.authorize(request) } }
        router.post("/oauth/login") { request, context in
            await self.answer(context) { try await self.login(request, from: self.addresses.of(request, context)) }
        }
        router.get("/oauth/grant") { request, context in await self.answer(context) { try await self.grantPage(request) } }
        router.post("/oauth/grant") { request, context in await self.answer(context) { try await self.decide(request) } }
        addDeviceRoutes(to: router)
    }

    private func authorize(_ request: Request) async throws -> Response {
        guard (request.uri.query ?? "").utf8.count <= Self.maxAuthorizeQuerySize else {
            return pages.error(status: 400, message: "This link is longer than \(Self.maxAuthorizeQuerySize) bytes.")
        }
        let query: [String: String]
        do {
            query = try FormDecoder.decode(Array((request.uri.query ?? "").utf8))
        } catch {
            return pages.error(status: 400, message: "This link is malformed: \(error.message)")
        }
        let (step, token) = try await flow.start(query: query)
        var response = render(step, redirectStatus: .found)
        if let token { response.headers[.setCookie] = cookie(token, maxAge: Int(ConnectFlow.sessionLifetime)) }
        return response
    }

    private func login(_ request: Request, from address: String) async throws -> Response {
        guard let form = await form(request) else { return pages.error(status: 400, message: "The form could not be read.") }
        let (step, renewedToken) = try await flow.login(sessionToken: sessionToken(request), form: LoginForm(fields: form), from: address)
        // Post/Redirect/Get: a reload of the grant page must not post the password again.
        guard case .grant = step else { return render(step, redirectStatus: .seeOther) }
        var response = ConnectPages.redirect(to: "/oauth/grant", status: .seeOther)
        if let renewedToken { response.headers[.setCookie] = cookie(renewedToken, maxAge: Int(ConnectFlow.sessionLifetime)) }
        return response
    }

    private func grantPage(_ request: Request) async throws -> Response {
        render(try await flow.grantPage(sessionToken: sessionToken(request)), redirectStatus: .seeOther)
    }

    private func decide(_ request: Request) async throws -> Response {
        guard let form = await form(request) else { return pages.error(status: 400, message: "The form could not be read.") }
        let step = try await flow.decide(sessionToken: sessionToken(request), decision: GrantDecision(fields: form))
        var response = render(step, redirectStatus: .seeOther)
        switch step {
        case .redirect, .deviceFinished:
            // The flow is over (back to the application, or a device's last page): the cookie goes.
            response.headers[.setCookie] = cookie("", maxAge: 0)
        default:
            break
        }
        return response
    }

    func render(_ step: ConnectFlow.Step, redirectStatus: HTTPResponse.Status, entryToken: String = "") -> Response {
        switch step {
        case .deviceEntry(let screen): pages.deviceEntry(screen, csrf: entryToken)
        case .deviceFinished(let screen): pages.deviceFinished(screen)
        case .login(let screen): pages.login(screen)
        case .grant(let screen): pages.grant(screen)
        case .redirect(let redirect): ConnectPages.redirect(to: redirect.url, status: redirectStatus)
        case .page(let status, let message): pages.error(status: status, message: message)
        }
    }

    /// A strict form body, or nil when it is not one.
    func form(_ request: Request) async -> [String: String]? {
        guard TokenRequestReader.isFormContentType(request.headers[.contentType]) else { return nil }
        var request = request
        guard let body = try? await request.collectBody(upTo: Self.maxFormSize) else { return nil }
        return try? FormDecoder.decode(body.readableBytesView)
    }

    func sessionToken(_ request: Request) -> String? { Self.cookie(named: Self.cookieName, in: request) }

    /// The value of a cookie the request carries, if it carries it with a value.
    static func cookie(named name: String, in request: Request) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == name, !parts[1].isEmpty { return parts[1] }
        }
        return nil
    }

    func cookie(_ value: String, maxAge: Int) -> String {
        "\(Self.cookieName)=\(value); Path=/oauth; Max-Age=\(maxAge); HttpOnly; SameSite=Lax\(secureCookies ? "; Secure" : "")"
    }

    /// Store failures become a plain error page, never a stack trace or a redirect.
    func answer(_ context: KeyfobRequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let unavailable = error is StoreUnavailableError
            context.logger.log(
                level: unavailable ? .warning : .error,
                "connect page failed",
                metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(String(reflecting: type(of: error)))"]
            )
            return pages.error(
                status: unavailable ? 503 : 500,
                message: unavailable ? "Keyfob is temporarily unavailable. Try again in a moment." : "Something went wrong on our side."
            )
        }
    }
}
