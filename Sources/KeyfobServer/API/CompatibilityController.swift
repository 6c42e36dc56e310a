import Foundation
import Hummingbird
import KeyfobCore
import KeyfobVehicles

/// `GET /v2.0/compatibility?vin=&scope=[&country=]` (docs/contract.md §7): an app, by its own
/// Basic credentials and with no user, asks whether a VIN's vehicle serves the permissions it
/// wants. Answered from the simulator's powertrain rules.
struct CompatibilityController {
    let authenticator: ClientAuthenticator

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get("v2.0/compatibility") { request, context in
            await BearerCall.rendering(context) {
                try await authenticate(request)
                let query = try APIQuery.parse(request)
                return APIAnswer(body: try Compatibility.check(vin: query["vin"], scope: query["scope"]))
            }
        }
    }

    /// A confidential client's Basic credentials; anything else is 401 `AUTHENTICATION`.
    private func authenticate(_ request: Request) async throws {
        let refusal = APIError(.authentication, "Send the application's client id and secret with HTTP Basic authentication.")
        guard let (clientID, secret) = try? BasicCredentials.parse(request.headers[.authorization]) else { throw refusal }
        do {
            let client = try await authenticator.authenticate(PresentedClient(clientID: clientID, secret: secret, method: .basic))
            guard !client.isPublic else { throw refusal }
        } catch is OAuthError {
            throw refusal
        }
    }
}
