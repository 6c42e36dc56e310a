import HTTPTypes
import Hummingbird
import KeyfobCore
import Logging

/// `POST /oauth/token` and `POST /oauth2/token` (docs/contract.md §2): checks the HTTP framing, turns the
/// request into a `TokenRequest`, and the core's answer or error into JSON.
struct TokenController {
    let endpoint: TokenEndpoint
    /// Checks a DPoP proof, whose key the issued tokens are then bound to (RFC 9449 §5).
    let dpop: DPoPGate
    /// Failed client authentication, limited per client id and address (RFC 6749 §2.3.1).
    let throttle: ClientAuthThrottle
    /// Where a request came from, through trusted proxies.
    let addresses: ClientAddress
    let metrics = TokenMetrics()
    /// Token requests are a few hundred bytes; anything near this bound is not a token request.
    let maxBodySize: Int
    /// The bound on token requests in flight.
    let admission: TokenAdmission

    static let noStoreHeaders: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        for path in ["/oauth/token", "/oauth2/token"] {
            OAuthAnswer.addPostRoute(path, to: router) { request, context in await self.token(request, context) }
        }
    }

    func token(_ request: Request, _ context: KeyfobRequestContext) async -> Response {
        await OAuthAnswer.respond(context) {
            // Read whole first: a refused request leaves the connection ready for the next.
            var tokenRequest = try await TokenRequestReader(maxBodySize: maxBodySize).read(request)
            return try await admission.admit {
                tokenRequest.proof = try await dpop.proof(of: request)
                var response = try await answer(tokenRequest, request, context)
                if tokenRequest.proof != nil, let nonce = dpop.checker.currentNonce { response.headers[.dpopNonce] = nonce }
                return response
            }
        }
    }

    private func answer(_ tokenRequest: TokenRequest, _ request: Request, _ context: KeyfobRequestContext) async throws -> Response {
        let clientID = tokenRequest.client?.clientID ?? ""
        // Resolved only when the throttle needs it: a correct client with nothing over a
        // limit pays neither the address string nor a key.
        let address = { addresses.of(request, context) }
        do {
            let answer = try await throttle.guarding(clientID: clientID, address: address) {
                try await endpoint.respond(to: tokenRequest).response()
            }
            metrics.issued(grantType: tokenRequest.parameters["grant_type"] ?? "")
            return answer
        } catch let refusal as OAuthError {
            // A 429 of the throttle was counted as rate-limited already.
            if refusal.status != 429 { metrics.refused(refusal.code) }
            throw refusal
        }
    }
}
