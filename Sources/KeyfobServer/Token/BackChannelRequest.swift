import Hummingbird
import KeyfobCore

/// The client-authenticated endpoints beside the token endpoint (PAR, device authorization) frame
/// their form and authenticate the client exactly as it does, failed attempts counted by the same
/// throttle: one place, so a brute force cannot pick the endpoint with the weaker guard.
struct BackChannelRequest {
    let tokens: TokenEndpoint
    let throttle: ClientAuthThrottle
    let addresses: ClientAddress
    let maxBodySize: Int

    /// The request's form and the client it authenticates, or the token endpoint's error.
    func read(_ request: Request, _ context: KeyfobRequestContext) async throws -> (form: TokenRequest, client: ClientApplication) {
        let form = try await TokenRequestReader(maxBodySize: maxBodySize).read(request)
        let address = { addresses.of(request, context) }
        let client = try await throttle.guarding(clientID: form.client?.clientID ?? "", address: address) {
            try await tokens.authenticate(form)
        }
        return (form, client)
    }
}
