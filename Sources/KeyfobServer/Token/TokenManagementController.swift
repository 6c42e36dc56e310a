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
                return JSONBody.response(status: .ok, body: Self.body(answer), headers: TokenController.noStoreHeaders)
            }
        }
    }

    /// RFC 7662 §2.2's members, with `token_use` (access or refresh token) and `vehicles` (the
    /// grant's vehicle ids) beside them, keys sorted; only `active` when the token is not active.
    static func body(_ answer: Introspection) -> ByteBuffer {
        var object = JSONObjectWriter()
        object.member("active", answer.active)
        guard answer.active else { return object.finish() }
        if let clientID = answer.clientID { object.member("client_id", clientID.lowercasedText) }
        // RFC 9449 §6.2: the DPoP key a bound access token needs.
        if let thumbprint = answer.keyThumbprint { object.member("cnf") { $0.member("jkt", thumbprint) } }
        if let expiresAt = answer.expiresAt { object.member("exp", Int(expiresAt.timeIntervalSince1970)) }
        object.member("scope", answer.scope.joined(separator: " "))
        if let subject = answer.subject { object.member("sub", subject.lowercasedText) }
        if let tokenType = answer.tokenType { object.member("token_type", tokenType) }
        if let tokenUse = answer.tokenUse { object.member("token_use", tokenUse.rawValue) }
        if let vehicleIDs = answer.vehicleIDs { object.member("vehicles", vehicleIDs.map(\.lowercasedText)) }
        return object.finish()
    }
}
