import Hummingbird
import KeyfobConnect
import KeyfobCore

/// `POST /oauth/device_authorization` (RFC 8628 §3.1–3.2): the device asks for a device code and
/// a user code. Framing and client authentication are the token endpoint's, failed attempts
/// counted by the same throttle.
struct DeviceAuthorizationController {
    let endpoint: DeviceAuthorizationEndpoint
    let backChannel: BackChannelRequest
    let origin: ServerOrigin

    struct Answer: Encodable {
        let device_code: String
        let user_code: String
        let verification_uri: String
        let verification_uri_complete: String
        let expires_in: Int
        let interval: Int
    }

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        OAuthAnswer.addPostRoute("/oauth/device_authorization", to: router) { request, context in
            await OAuthAnswer.respond(context) { try await self.answer(request, context) }
        }
    }

    private func answer(_ request: Request, _ context: KeyfobRequestContext) async throws -> Response {
        let (deviceRequest, client) = try await backChannel.read(request, context)
        let issued = try await endpoint.respond(to: deviceRequest, for: client)
        let page = origin.url + "/oauth/device"
        let body = JSONBody.encode(
            Answer(
                device_code: issued.deviceCode,
                user_code: issued.userCode.display,
                verification_uri: page,
                verification_uri_complete: page + "?user_code=" + issued.userCode.display,
                expires_in: issued.expiresIn,
                interval: issued.interval
            )
        )
        return JSONBody.response(status: .ok, body: body, headers: TokenController.noStoreHeaders)
    }
}
