import Hummingbird
import KeyfobConnect
import KeyfobCore

/// `POST /oauth/par` (RFC 9126): a client pushes its authorize parameters over an authenticated
/// back channel and sends the browser only a request_uri. Framing and client authentication are
/// the token endpoint's, failed attempts counted by the same throttle.
struct PushedAuthorizationController {
    let endpoint: PushedAuthorizationEndpoint
    let backChannel: BackChannelRequest

    struct Answer: Encodable {
        let request_uri: String
        let expires_in: Int
    }

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        OAuthAnswer.addPostRoute("/oauth/par", to: router) { request, context in
            await OAuthAnswer.respond(context) { try await self.answer(request, context) }
        }
    }

    private func answer(_ request: Request, _ context: KeyfobRequestContext) async throws -> Response {
        let (pushRequest, client) = try await backChannel.read(request, context)
        let pushed = try await endpoint.respond(to: pushRequest, for: client)
        let body = JSONBody.encode(Answer(request_uri: pushed.requestURI, expires_in: pushed.expiresIn))
        // RFC 9126 §2.2: 201 Created.
        return JSONBody.response(status: .created, body: body, headers: TokenController.noStoreHeaders)
    }
}
