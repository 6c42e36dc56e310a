import Foundation
import HTTPTypes
import Hummingbird
import KeyfobCore

/// `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662), with the token
/// endpoint's framing and client authentication.
struct TokenManagementController {
    let management: TokenManagement
    let maxBodySize: Int

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        OAuthAnswer.addPostRoute("/oauth/revoke", to: router) { request, context in
            await OAuthAnswer.respond(context) {
                try await management.revoke(try await TokenRequestReader(maxBodySize: maxBodySize).read(request))
                // RFC 7009 §2.2: 200 whether or not there was anything to revoke.
                return Response(status: .ok, headers: TokenController.noStoreHeaders)
            }
        }
        OAuthAnswer.addPostRoute("/oauth/introspect", to: router) { request, context in
            await OAuthAnswer.respond(context) {
                let answer = try await management.introspect(try await TokenRequestReader(maxBodySize: maxBodySize).read(request))
                return JSONBody.response(status: .ok, body: JSONBody.encode(Body(answer)), headers: TokenController.noStoreHeaders)
            }
        }
    }

    /// RFC 7662 §2.2's members, with `token_use` (access or refresh token) and `vehicles` (the
    /// grant's vehicle ids) beside them; only `active` when the token is not active.
    struct Body: Encodable {
        let active: Bool
        let client_id: String?
        let token_type: String?
        let token_use: String?
        let scope: String?
        let exp: Int?
        let sub: String?
        let vehicles: [String]?
        /// RFC 9449 §6.2: the DPoP key a bound access token needs.
        let cnf: [String: String]?

        init(_ answer: Introspection) {
            active = answer.active
            client_id = answer.clientID?.lowercasedText
            token_type = answer.tokenType
            token_use = answer.tokenUse?.rawValue
            scope = answer.active ? answer.scope.joined(separator: " ") : nil
            exp = answer.expiresAt.map { Int($0.timeIntervalSince1970) }
            sub = answer.subject?.lowercasedText
            vehicles = answer.vehicleIDs?.map(\.lowercasedText)
            cnf = answer.keyThumbprint.map { ["jkt": $0] }
        }
    }
}
