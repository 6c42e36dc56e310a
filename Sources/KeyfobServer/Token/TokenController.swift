import HTTPTypes
import Hummingbird
import KeyfobCore
import Logging

/// `POST /oauth/token` and `POST /oauth2/token` (CONTRACT §2): checks the HTTP framing, turns the
/// request into a `TokenRequest`, and the core's answer or error into JSON.
struct TokenController {
    let endpoint: TokenEndpoint
    /// Token requests are a few hundred bytes; anything near this bound is not a token request.
    let maxBodySize: Int

    static let noStoreHeaders: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        for path in ["/oauth/token", "/oauth2/token"] {
            router.post(RouterPath(path)) { request, context in await self.token(request, context) }
            for method in [HTTPRequest.Method.get, .put, .delete, .patch] {
                router.on(RouterPath(path), method: method) { _, _ in
                    var response = OAuthError(.invalidRequest, "The token endpoint accepts POST only.", status: 405).response()
                    response.headers[.allow] = "POST"
                    return response
                }
            }
        }
    }

    func token(_ request: Request, _ context: KeyfobRequestContext) async -> Response {
        do {
            let tokenRequest = try await read(request)
            return try await endpoint.respond(to: tokenRequest).response()
        } catch let error as OAuthError {
            log(error, context)
            return error.response()
        } catch let error as StoreUnavailableError {
            let answer = OAuthError.storeUnavailable(detail: error.description)
            log(answer, context)
            return answer.response()
        } catch {
            context.logger.error(
                "token endpoint failed",
                metadata: ["keyfob.request_id": "\(context.requestID)", "error": "\(String(reflecting: type(of: error)))"])
            return OAuthError(.serverError, "An unexpected error occurred.", status: 500).response()
        }
    }

    /// Steps 1–2 of the exchange (DESIGN.md): framing, then credentials. Nothing here touches the
    /// store, so a request refused at this stage consumes nothing.
    private func read(_ request: Request) async throws -> TokenRequest {
        guard Self.isFormContentType(request.headers[.contentType]) else {
            throw OAuthError.invalidRequest("Content-Type must be application/x-www-form-urlencoded.")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodySize)
        } catch {
            throw OAuthError(.invalidRequest, "The request body is larger than \(maxBodySize) bytes.", status: 413)
        }
        let form: [String: String]
        do {
            form = try FormDecoder.decode(body.readableBytesView)
        } catch {
            throw OAuthError.invalidRequest(error.message)
        }
        guard let userAgent = request.headers[.userAgent], userAgent.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            throw OAuthError.invalidRequest("The User-Agent header is required.")
        }
        if let query = request.uri.query, Self.queryNamesClientSecret(query) {
            throw OAuthError.invalidRequest("client_secret must not be sent in the URL.")
        }
        let basic: (clientID: String, secret: String)?
        do {
            basic = try BasicCredentials.parse(request.headers[.authorization])
        } catch .otherScheme {
            throw OAuthError.invalidRequest("The Authorization header must use the Basic scheme.")
        } catch {
            throw OAuthError.invalidRequest("Malformed Basic authorization header.")
        }
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        let parameters = form.filter { !$0.value.isEmpty }
        let client = try PresentedClient.resolve(
            basic: basic, bodyClientID: parameters["client_id"], bodySecret: parameters["client_secret"])
        return TokenRequest(parameters: parameters, client: client)
    }

    private func log(_ error: OAuthError, _ context: KeyfobRequestContext) {
        var metadata: Logger.Metadata = [
            "keyfob.request_id": "\(context.requestID)", "keyfob.error": "\(error.code.rawValue)",
        ]
        if let detail = error.detail { metadata["keyfob.detail"] = "\(detail)" }
        let level: Logger.Level = error.status >= 500 ? .warning : .debug
        context.logger.log(level: level, "token request refused", metadata: metadata)
    }

    /// `application/x-www-form-urlencoded`, optionally with `charset=utf-8`. Compared on bytes,
    /// without Foundation's string trimming: this runs on every token request.
    static func isFormContentType(_ value: String?) -> Bool {
        guard let value else { return false }
        let parts = value.utf8.split(separator: UInt8(ascii: ";")).map { HeaderBytes.trimmedLowercase($0) }
        guard parts.first == Array("application/x-www-form-urlencoded".utf8) else { return false }
        let charsetPrefix = Array("charset=".utf8)
        for parameter in parts.dropFirst() where parameter.starts(with: charsetPrefix) {
            let charset = parameter.dropFirst(charsetPrefix.count).filter { $0 != UInt8(ascii: "\"") }
            guard charset == Array("utf-8".utf8) || charset == Array("utf8".utf8) else { return false }
        }
        return true
    }

    /// Whether a query string names `client_secret`, however it is escaped.
    static func queryNamesClientSecret(_ query: String) -> Bool {
        query.split(separator: "&").contains { pair in
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return (try? FormDecoder.decodeComponent(Array(name.utf8))) == "client_secret"
        }
    }
}

import Foundation
