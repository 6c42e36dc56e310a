import Foundation

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5).
public struct AuthorizationCodeGrant: TokenGrant {
    public let grantType = "authorization_code"

    /// Where codes and tokens are kept.
    let tokens: any TokenStore

    /// Makes the grant over the store it spends and issues tokens in.
    public init(tokens: any TokenStore) { self.tokens = tokens }

    public func respond(to request: TokenRequest, for client: ClientApplication, in context: GrantContext) async throws -> TokenResponse {
        let code = try request.required("code")
        guard TokenText.isWellFormed(code) else { throw OAuthError.invalidRequest(OAuthError.quoting("Invalid code", code)) }
        let redirectURI = request.parameters["redirect_uri"]
        let verifier = request.parameters["code_verifier"]
        let clientIsPublic = client.isPublic

        let now = context.clock.now
        let issued = IssuedPair(at: now, in: context, boundTo: request.boundKey, bindingRefresh: clientIsPublic)

        let outcome = try await tokens.redeem(
            code: .of(code),
            by: client.clientVersion,
            at: now,
            check: { (record: AuthorizationCode) throws(OAuthError) in
                try Self.checkBinding(of: record, redirectURI: redirectURI, verifier: verifier, clientIsPublic: clientIsPublic)
            },
            issuing: issued.pair
        )

        switch outcome {
        case .redeemed(let consentID, let scope):
            return issued.response(scope: scope, consentID: consentID, in: context)
        case .unknown:
            throw OAuthError.invalidGrant(OAuthError.quoting("Invalid code", code))
        case .expired:
            throw OAuthError.invalidGrant("The authorization code has expired.")
        case .replayed:
            throw OAuthError.invalidGrant(
                "The authorization code was already used; tokens issued from it are revoked.",
                detail: "code replay"
            )
        }
    }

    /// The checks made on the code record inside the redemption transaction.
    static func checkBinding(
        of record: AuthorizationCode,
        redirectURI: String?,
        verifier: String?,
        clientIsPublic: Bool
    ) throws(OAuthError) {
        // RFC 6749 §4.1.3: redirect_uri must be identical to the one in the authorization request.
        if record.redirectURIWasSent {
            guard let redirectURI else {
                throw .invalidGrant("redirect_uri is required: the authorization request carried one.")
            }
            guard redirectURI == record.redirectURI else {
                throw .invalidGrant("redirect_uri does not match the authorization request.")
            }
        } else if let redirectURI, redirectURI != record.redirectURI {
            throw .invalidGrant("redirect_uri does not match the redirect URI the code was sent to.")
        }
        if let challenge = record.codeChallenge {
            guard let verifier else { throw .invalidGrant("code_verifier is required for this code.") }
            guard PKCE.verifier(verifier, matches: challenge) else {
                throw .invalidGrant("code_verifier does not match the code_challenge.")
            }
        } else {
            // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
            if verifier != nil { throw .invalidGrant("code_verifier was sent, but the code was issued without code_challenge.") }
            if clientIsPublic { throw .invalidGrant("A public client's code must carry a PKCE challenge.") }
        }
    }
}
